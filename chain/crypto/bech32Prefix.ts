/**
 * Account addresses' bech32 prefix, apart from the address codec (address.ts) so that
 * naming it loads no bech32 code (the CLI's option defaults and help text read it).
 */
export const BECH32_PREFIX = "strike";
