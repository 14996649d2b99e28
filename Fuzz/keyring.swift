// Fuzz target `keyring`: keyring files.
//
// Invariants (a violation traps):
// - a refused file throws invalid_keyring (a WebhookSignatureError with a non-empty reason);
// - an accepted keyring written back with jsonBytes() reads back equal (same keys, labels,
//   windows, retirement), and writing that again gives the same bytes;
// - ids are unique, labels are unique, and no key's window closes before it opens.

@testable import WebhookSignature

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyring(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    let ring: Keyring
    do {
        ring = try Keyring(json: input)
    } catch {
        checkError(error, allowed: ["invalid_keyring"], "Keyring(json:)")
        return 0
    }
    if Set(ring.keys.map(\.id)).count != ring.keys.count { violated("a keyring holds the same key twice") }
    let labels = ring.keys.compactMap(\.label)
    if Set(labels).count != labels.count { violated("a keyring uses a label twice") }
    for key in ring.keys {
        if let a = key.notBefore, let b = key.notAfter, b < a { violated("a key's window closes before it opens") }
        if key.label == "" { violated("an empty label was accepted") }
    }

    let written = ring.jsonBytes()
    let back: Keyring
    do {
        back = try Keyring(json: written)
    } catch {
        violated("a keyring written by jsonBytes() does not read back: \(error)")
    }
    if back != ring { violated("the keyring read back differs from the one written") }
    for (x, y) in zip(back.keys, ring.keys) where x.id != y.id || x.key.modulus != y.key.modulus {
        violated("a key changed in the round trip")
    }
    if back.jsonBytes() != written { violated("jsonBytes() is not stable") }

    // Lookups by every id and label find that key.
    for (i, key) in ring.keys.enumerated() {
        guard (try? ring.index(of: key.id.hex)) == i else { violated("index(of: id) does not find key \(i)") }
        if let label = key.label, (try? ring.index(of: label)) != ring.keys.firstIndex(where: { $0.label == label }) {
            violated("index(of: label) does not find key \(i)")
        }
    }
    return 0
}
