/** auth depends on no other module. */
export {};
