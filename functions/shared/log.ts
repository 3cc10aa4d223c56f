/** One JSON line per event, so CloudWatch Logs Insights can filter on any field. */
export type LogLevel = "INFO" | "WARN" | "ERROR";

export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export const jsonLogger: Logger = (level, message, fields = {}) => {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === "ERROR") console.error(line);
  else console.log(line);
};
