/** One JSON line per event, so CloudWatch Logs Insights can filter on any field. */
export type LogLevel = "INFO" | "WARN" | "ERROR";

export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export const jsonLogger: Logger = (level, message, fields = {}) => {
  // Level and message first, so a line reads from its start, and written again after the
  // fields, so that a field of the same name cannot disguise an error as INFO.
  const line = JSON.stringify(Object.assign({ level, message }, fields, { level, message }));
  if (level === "ERROR") console.error(line);
  else console.log(line);
};
