/**
 * Strike's application: the base app with the auth and bank modules wired in (the role of
 * a Cosmos chain's app.go). This is the one runtime file that names modules.
 */
import { createAccountKeeper, createAuthModule, FEE_COLLECTOR, type Account } from "../../modules/auth/index.js";
import { createBankKeeper, createBankModule } from "../../modules/bank/index.js";
import type { SignatureCache } from "../crypto/sigCache.js";
import type { StateStore } from "../store/types.js";
import type { AnteAccountKeeper, DigestVerifier } from "../runtime/ante/index.js";
import { createBaseApp, type Logger, type StrikeApp } from "../runtime/app.js";
import type { DecCoin } from "../runtime/coins.js";

export interface StrikeAppOptions {
  state: StateStore;
  /** The node's minimum gas prices, e.g. parseDecCoins("0.025ustrike"); checked at mempool admission only. */
  minGasPrices: DecCoin[];
  maxTxBytes?: number;
  logger?: Logger;
  sigCache?: SignatureCache;
  verify?: DigestVerifier;
}

/** Module accounts and their permissions. */
export const MODULE_ACCOUNTS: Readonly<Record<string, readonly string[]>> = { [FEE_COLLECTOR]: [] };

export function createStrikeApp(options: StrikeAppOptions): StrikeApp {
  const accountKeeper = createAccountKeeper({ moduleAccounts: MODULE_ACCOUNTS });
  const bankKeeper = createBankKeeper(accountKeeper);
  const anteAccounts: AnteAccountKeeper = {
    getAccount: (ctx, address) => accountKeeper.getAccount(ctx, address),
    // The ante steps spread the account they read, so module-account fields survive.
    setAccount: (ctx, account) => accountKeeper.setAccount(ctx, account as Account),
    params: (ctx) => accountKeeper.params(ctx),
  };
  return createBaseApp({
    state: options.state,
    // Genesis order matters: accounts exist before bank credits them.
    modules: [createAuthModule(accountKeeper, Object.keys(MODULE_ACCOUNTS)), createBankModule(bankKeeper)],
    accounts: anteAccounts,
    bank: bankKeeper,
    feeCollector: FEE_COLLECTOR,
    minGasPrices: options.minGasPrices,
    ...(options.maxTxBytes === undefined ? {} : { maxTxBytes: options.maxTxBytes }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.sigCache === undefined ? {} : { sigCache: options.sigCache }),
    ...(options.verify === undefined ? {} : { verify: options.verify }),
  });
}
