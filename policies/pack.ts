/**
 * The pack's policies and metadata, apart from index.ts: constructing the PolicyPack starts its
 * gRPC server, so index.ts does only that, and everything else (tests included) imports this.
 */
import { Policies, PolicyPackArgs } from "@pulumi/policy";
import { AWS_CONFIG_POLICIES } from "./aws-config";
import { CIS_POLICIES } from "./cis";
import { EC2_POLICIES } from "./ec2";
import { IAM_POLICIES } from "./iam";
import { LAMBDA_POLICIES } from "./lambda";

export const PACK_NAME = "aws-config-guardrails";

export const POLICIES: Policies = [
  ...EC2_POLICIES,
  ...IAM_POLICIES,
  ...AWS_CONFIG_POLICIES,
  ...LAMBDA_POLICIES,
  ...CIS_POLICIES,
];

export const PACK_ARGS: PolicyPackArgs = {
  description:
    "AWS Config guardrails at preview: what the Config rules of aws-config-guardrails would report after an update, refused or flagged before it.",
  policies: POLICIES,
};
