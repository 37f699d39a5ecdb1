/** What the global options open: the keyring, and addresses given as key names. */
import { checkBech32Address, decodeBech32 } from "../genesis/address.js";
import { cliErrors } from "./errors.js";
import { Keyring } from "./keyring/keyring.js";
import type { GlobalOptions } from "./globalOptions.js";
import { keyringPassphrase } from "./prompt.js";

// The options themselves are light and live apart, so that defining commands loads no keyring.
export { DEFAULT_HOME, DEFAULT_NODE, globalOptions, rpcHttpUrl, type GlobalOptions } from "./globalOptions.js";

export function openKeyring(g: GlobalOptions): Keyring {
  return new Keyring({ home: g.home, backend: g.keyringBackend, passphrase: keyringPassphrase });
}

/** An address argument: a bech32 address as it is (checked), or the name of a key in the keyring. */
export function addressArg(g: GlobalOptions, s: string): string {
  if (decodeBech32(s) === undefined) {
    const keyring = openKeyring(g);
    // Text shaped like an address that does not decode is a mistyped address, not a key name.
    if (!keyring.has(s) && /^[a-z]+1[0-9a-z]{20,}$/.test(s))
      throw cliErrors.badArgument(
        `"${s}" is not a valid address (a wrong character or checksum) and no key in the keyring has that name`,
      );
    return keyring.get(s).address;
  }
  const bad = checkBech32Address(s);
  if (bad !== undefined) throw cliErrors.badArgument(`address ${s}: ${bad}`);
  return s;
}
