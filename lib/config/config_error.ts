/** A configuration problem that stops start-up; its message is the one line printed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
