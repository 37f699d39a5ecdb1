export const MODULE_NAME = "options";
