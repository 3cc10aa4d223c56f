/** Loads the AWS-shaped fixtures under test/fixtures (see its README for their sources). */
import * as fs from "fs";
import * as path from "path";
import type { ConfigRuleEvent, ConfigurationItem } from "../../functions/shared/config-event";

export const FIXTURES = path.join(__dirname, "..", "fixtures");

export function fixture<T = any>(relativePath: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, relativePath), "utf8")) as T;
}

export function fixtureText(relativePath: string): string {
  return fs.readFileSync(path.join(FIXTURES, relativePath), "utf8");
}

/** A Config rule event from config-events/, optionally with its invoking event or parameters changed. */
export function configEvent(
  name: string,
  change: {
    invoking?: (invoking: any) => void;
    ruleParameters?: Record<string, string> | string | undefined;
  } = {},
): ConfigRuleEvent {
  const event = fixture<ConfigRuleEvent>(`config-events/${name}.json`);
  if (change.invoking) {
    const invoking = JSON.parse(event.invokingEvent);
    change.invoking(invoking);
    event.invokingEvent = JSON.stringify(invoking);
  }
  if ("ruleParameters" in change) {
    const parameters = change.ruleParameters;
    if (parameters === undefined) delete event.ruleParameters;
    else
      event.ruleParameters =
        typeof parameters === "string" ? parameters : JSON.stringify(parameters);
  }
  return event;
}

/** The configuration item inside a change event fixture. */
export function configurationItem(name: string): ConfigurationItem {
  return JSON.parse(fixture<ConfigRuleEvent>(`config-events/${name}.json`).invokingEvent)
    .configurationItem;
}
