// Package wildix speaks the Wildix PBX's integration vocabulary: it
// authenticates event bodies (Verify, Sign), decodes their common envelope
// (Decode) and translates them into facts the board understands (Translate).
//
// Wildix payloads are loosely typed and evolve without notice, so decoding is
// tolerant: any field may be missing, null or accompanied by fields we do not
// know; identifiers may arrive as JSON strings or numbers; numbers may arrive
// as numeric strings. Only what cannot be understood at all is an error: a
// body that is not a JSON object (ErrNotObject), an event without a type
// (ErrNoType), a type we do not know (ErrUnknownType) or data whose shape is
// impossible, such as an object where a name belongs (ErrBadData).
//
// Text from the PBX is untrusted. It is trimmed and capped in length (see
// MaxTextLen) but otherwise kept as received: escaping is the view's job.
//
// The package performs no I/O and keeps no state.
package wildix
