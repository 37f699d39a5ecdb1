/** Where a message came from: the peer (scored for abuse) and its size on the wire. */
export interface MessageOrigin {
  peer: string;
  bytes: number;
}
