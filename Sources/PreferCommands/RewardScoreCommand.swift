import ArgumentParser
import Foundation
import PreferCore

/// `prefer reward score`: JSONL in, the same rows with rewards out.
struct RewardScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score outputs with a reward model: each JSONL row comes back with its reward(s).",
        discussion: """
        A row with "output" (or "text") gets "reward"; one with "chosen"/"rejected" gets "reward_chosen" and \
        "reward_rejected"; one with "text_a"/"text_b" (or "output_a"/"output_b") gets "reward_a" and "reward_b". \
        "prompt" is read when present (the default features ignore it; --interactions models use it).

        Example:
          prefer reward score --model model.prm outputs.jsonl > scored.jsonl
        """
    )

    @Option(help: "The reward model file.") var model: String
    @Argument(help: "JSONL file; - reads standard input.") var file: String
    @Option(name: .shortAndLong, help: "Write here instead of standard output.") var out: String?

    static let pairs: [(String, String)] = [("output", "reward"), ("text", "reward"), ("chosen", "reward_chosen"), ("rejected", "reward_rejected"),
                                            ("text_a", "reward_a"), ("text_b", "reward_b"), ("output_a", "reward_a"), ("output_b", "reward_b")]

    func run() throws {
        let loaded = try RewardJSON.load(model)
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : (FileManager.default.contents(atPath: file) ?? Data())
        if file != "-" && !FileManager.default.fileExists(atPath: file) {
            throw CommandError("cannot read \(file): no such file. Check the path, or use - for standard input.")
        }
        let bytes = [UInt8](data)
        guard let first = bytes.firstIndex(where: { !PreferencePairReader.isSpace($0) }) else { return }
        let rows = try PreferencePairReader.jsonRows(bytes, first: first, source: file)
        var scratch = RewardFeatures.Scratch()
        var output = Data()
        for row in rows {
            var object = row.object
            let prompt = (object["prompt"] as? String) ?? ""
            var scored = false
            for (field, name) in Self.pairs where object[field] != nil && object[name] == nil {
                guard let text = object[field] as? String else {
                    throw CommandError("\(file):\(row.line): field \"\(field)\" must be a string.")
                }
                object[name] = loaded.score(prompt: prompt, output: text, scratch: &scratch)
                scored = true
            }
            guard scored else {
                throw CommandError("\(file):\(row.line): field \"output\" is missing: give each row an output (or text, chosen/rejected, text_a/text_b) to score.")
            }
            output += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            output.append(0x0A)
        }
        try RewardOutput.write(output, to: out)
    }
}

enum RewardOutput {
    static func write(_ data: Data, to path: String?) throws {
        if let path {
            do {
                try data.write(to: URL(fileURLWithPath: path))
            } catch {
                throw CommandError("cannot write \(path): \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

/// `prefer reward best-of-n`: the best output per prompt by one or more reward models.
struct RewardBestOfNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "best-of-n",
        abstract: "Pick the best of N outputs per prompt by reward models, with transforms, sums and Pareto sets.",
        discussion: """
        Input rows: {"prompt", "output"} (several rows per prompt) or {"prompt", "outputs": [...]}. With \
        several --model files (models or criteria), each output's rewards are transformed (--transform raw, or \
        log-sigmoid: log σ(r − the prompt's reference reward, the --reference-quantile of its candidates' \
        rewards), as in Wang et al. 2024, "Transforming and Combining Rewards") and summed; the best output \
        has the largest sum, and the Pareto set lists the outputs no other output beats on every model.

        Example:
          prefer reward best-of-n --model helpful.prm --model harmless.prm candidates.jsonl
        """
    )

    @Option(name: .customLong("model"), help: "A reward model file (repeatable).") var models: [String]
    @Argument(help: "JSONL file; - reads standard input.") var file: String
    @Option(help: "raw or log-sigmoid.") var transform: BestOfN.Transform = .logSigmoid
    @Option(name: .customLong("reference-quantile"), help: "The quantile of a prompt's candidates' rewards that log-sigmoid centres on.") var referenceQuantile = 0.5
    @Option(name: .shortAndLong, help: "Write here instead of standard output.") var out: String?

    func validate() throws {
        guard !models.isEmpty else { throw ValidationError("give at least one --model.") }
        guard (0...1).contains(referenceQuantile) else { throw ValidationError("--reference-quantile must be between 0 and 1.") }
    }

    func run() throws {
        let loaded = try models.map(RewardJSON.load)
        if file != "-" && !FileManager.default.fileExists(atPath: file) {
            throw CommandError("cannot read \(file): no such file. Check the path, or use - for standard input.")
        }
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : (FileManager.default.contents(atPath: file) ?? Data())
        let bytes = [UInt8](data)
        guard let first = bytes.firstIndex(where: { !PreferencePairReader.isSpace($0) }) else { return }
        let rows = try PreferencePairReader.jsonRows(bytes, first: first, source: file)
        var order: [String] = []
        var candidates: [String: [String]] = [:]
        for row in rows {
            guard let prompt = row.object["prompt"] as? String else {
                throw CommandError("\(file):\(row.line): field \"prompt\" is missing or not a string: best-of-N groups outputs by prompt.")
            }
            var texts: [String] = []
            if let list = row.object["outputs"] {
                guard let strings = list as? [String] else {
                    throw CommandError("\(file):\(row.line): field \"outputs\" must be a list of strings.")
                }
                texts = strings
            } else if let text = row.object["output"] {
                guard let s = text as? String else { throw CommandError("\(file):\(row.line): field \"output\" must be a string.") }
                texts = [s]
            } else {
                throw CommandError("\(file):\(row.line): field \"output\" is missing: give each row an output (or a list of outputs).")
            }
            if candidates[prompt] == nil { order.append(prompt) }
            candidates[prompt, default: []] += texts
        }
        let selector = BestOfN(transform: transform, referenceQuantile: referenceQuantile)
        var scratch = RewardFeatures.Scratch()
        var output = Data()
        for prompt in order {
            let texts = candidates[prompt]!
            let rewards = texts.map { text in loaded.map { $0.score(prompt: prompt, output: text, scratch: &scratch) } }
            let selection = selector.select(rewards)
            let pareto = Set(selection.pareto)
            let object: [String: Any] = [
                "prompt": prompt,
                "best": selection.best,
                "best_output": texts[selection.best],
                "transform": transform.rawValue,
                "models": models,
                "candidates": texts.indices.map { c -> [String: Any] in
                    ["output": texts[c], "rewards": rewards[c], "transformed": selection.transformed[c],
                     "combined": selection.combined[c], "pareto": pareto.contains(c)]
                },
                "pareto": selection.pareto,
            ]
            output += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            output.append(0x0A)
        }
        try RewardOutput.write(output, to: out)
    }
}

extension BestOfN.Transform: ExpressibleByArgument {}
