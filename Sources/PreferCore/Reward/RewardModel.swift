import Foundation

/// A pairwise (Bradley–Terry) reward model over text: r(prompt, output) =
/// wᵀφ(prompt, output) with φ the hashed features of `RewardFeatures`, so that
/// P(output A preferred to output B) = σ(r(A) − r(B)). Rewards are in logit
/// units and comparable only within a model.
///
/// File format (version 1, little-endian), read by `init(decoding:source:)`
/// and written by `encoded()`:
///
///     8 bytes   "PREFERRM"
///     UInt32    format version (1)
///     UInt32    L, the metadata's length in bytes
///     L bytes   metadata, UTF-8 JSON: {"format_version", "features": {…},
///               "info": {…}}
///     UInt32    K, the number of non-zero weights
///     K × (UInt32 index, Float32 weight), indices ascending, below
///               2^bits + dense features
///
/// A file of another version or with a damaged body is refused with a
/// message that says what to do. Scoring is O(bytes of the text).
public struct RewardModel: Sendable {
    public static let formatVersion: UInt32 = 1
    static let magic = Array("PREFERRM".utf8)

    public var features: RewardFeatures
    /// One weight per feature (`features.dimension`).
    public var weights: [Float]
    public var info: Info

    /// How the model was trained, kept in the file.
    public struct Info: Sendable, Codable, Equatable {
        public var lambda: Double
        public var pairs: Int
        public var prompts: Int
        public var seed: UInt64
        /// Cross-validation by prompt: held-out log-loss and accuracy per λ tried.
        public var crossValidation: [RewardTrainer.Fold]
        public var iterations: Int
        public var converged: Bool
        public var createdBy: String

        public init(lambda: Double, pairs: Int, prompts: Int, seed: UInt64, crossValidation: [RewardTrainer.Fold], iterations: Int, converged: Bool, createdBy: String = "prefer") {
            self.lambda = lambda
            self.pairs = pairs
            self.prompts = prompts
            self.seed = seed
            self.crossValidation = crossValidation
            self.iterations = iterations
            self.converged = converged
            self.createdBy = createdBy
        }

        enum CodingKeys: String, CodingKey {
            case lambda, pairs, prompts, seed, iterations, converged
            case crossValidation = "cross_validation"
            case createdBy = "created_by"
        }
    }

    public init(features: RewardFeatures, weights: [Float], info: Info) {
        precondition(weights.count == features.dimension, "one weight per feature")
        self.features = features
        self.weights = weights
        self.info = info
    }

    /// The reward of `output` answering `prompt`.
    public func score(prompt: String, output: String) -> Double {
        var scratch = RewardFeatures.Scratch()
        return score(prompt: prompt, output: output, scratch: &scratch)
    }

    /// The same as `score(features.row(prompt:output:))`, reusing the
    /// scratch's buffers (no allocation per output once they have grown).
    public func score(prompt: String, output: String, scratch: inout RewardFeatures.Scratch) -> Double {
        weights.withUnsafeBufferPointer { w in
            features.score(prompt: prompt, output: output, weights: w, scratch: &scratch)
        }
    }

    public func score(_ row: RewardFeatures.Row) -> Double {
        var s = 0.0
        for (k, index) in row.indices.enumerated() { s += Double(row.values[k]) * Double(weights[Int(index)]) }
        let hashed = features.hashedDimension
        for (f, value) in row.dense.enumerated() { s += Double(value) * Double(weights[hashed + f]) }
        return s
    }

    private struct Metadata: Codable {
        var formatVersion: UInt32
        var features: RewardFeatures
        var info: Info

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case features, info
        }
    }

    /// The model as a file (see the type's notes).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = try encoder.encode(Metadata(formatVersion: Self.formatVersion, features: features, info: info))
        var bytes = Self.magic
        Self.append(Self.formatVersion, to: &bytes)
        Self.append(UInt32(metadata.count), to: &bytes)
        bytes += metadata
        let nonzero = weights.indices.filter { weights[$0] != 0 }
        Self.append(UInt32(nonzero.count), to: &bytes)
        bytes.reserveCapacity(bytes.count + 8 * nonzero.count)
        for k in nonzero {
            Self.append(UInt32(k), to: &bytes)
            Self.append(weights[k].bitPattern, to: &bytes)
        }
        return Data(bytes)
    }

    /// Reads a model file; `source` names it in errors.
    public init(decoding data: Data, source: String) throws(RewardError) {
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == Self.magic else { throw .notAModel(source) }
        let version = Self.uint32(bytes, at: 8)
        guard version == Self.formatVersion else {
            throw .otherVersion(source, found: version, supported: Self.formatVersion)
        }
        let length = Int(Self.uint32(bytes, at: 12))
        guard bytes.count >= 16 + length + 4 else { throw .corrupt(source, "the file ends inside its metadata") }
        let metadata: Metadata
        do {
            metadata = try JSONDecoder().decode(Metadata.self, from: Data(bytes[16..<(16 + length)]))
        } catch {
            throw .corrupt(source, "its metadata is not valid (\(error))")
        }
        guard metadata.formatVersion == version else {
            throw .corrupt(source, "the metadata says version \(metadata.formatVersion), the header \(version)")
        }
        do {
            try metadata.features.validate()
        } catch {
            throw .corrupt(source, "its feature settings are invalid: \(error.message)")
        }
        let dimension = metadata.features.dimension
        var offset = 16 + length
        let count = Int(Self.uint32(bytes, at: offset))
        offset += 4
        guard bytes.count == offset + 8 * count else {
            throw .corrupt(source, "it holds \(bytes.count - offset) bytes of weights where \(count) weights need \(8 * count)")
        }
        var weights = [Float](repeating: 0, count: dimension)
        var previous = -1
        for _ in 0..<count {
            let index = Int(Self.uint32(bytes, at: offset))
            let value = Float(bitPattern: Self.uint32(bytes, at: offset + 4))
            offset += 8
            guard index > previous, index < dimension, value.isFinite else {
                throw .corrupt(source, "weight index \(index) is out of order or range, or its value is not finite")
            }
            weights[index] = value
            previous = index
        }
        self.init(features: metadata.features, weights: weights, info: metadata.info)
    }

    /// Reads a model file from disk.
    public init(contentsOf path: String) throws(RewardError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RewardError("cannot read the reward model \(path): \(error.localizedDescription)")
        }
        try self.init(decoding: data, source: path)
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value & 0xFF))
        bytes.append(UInt8((value >> 8) & 0xFF))
        bytes.append(UInt8((value >> 16) & 0xFF))
        bytes.append(UInt8(value >> 24))
    }

    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
