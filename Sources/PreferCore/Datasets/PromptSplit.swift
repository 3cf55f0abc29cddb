/// A fixed-seed train/test split by prompt: a prompt goes to the test side
/// when a 64-bit hash of (seed, its text) falls below `testFraction` of the
/// range, so every pair of one prompt lands on the same side and no prompt
/// is in both. The same seed and texts give the same split on every
/// machine and in every run, whatever the order of the rows. O(text) per prompt.
public struct PromptSplit: Sendable, Hashable {
    public var testFraction: Double
    public var seed: UInt64

    public init(testFraction: Double, seed: UInt64 = 42) {
        self.testFraction = testFraction
        self.seed = seed
    }

    /// Whether `prompt` belongs to the test side.
    public func isTest(_ prompt: String) -> Bool {
        guard testFraction > 0 else { return false }
        guard testFraction < 1 else { return true }
        // FNV-1a over the UTF-8 bytes, then SplitMix64's finaliser with the seed.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in prompt.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        var mix = SplitMix64(state: h ^ seed)
        let u = Double(mix.next() >> 11) * 0x1.0p-53
        return u < testFraction
    }
}
