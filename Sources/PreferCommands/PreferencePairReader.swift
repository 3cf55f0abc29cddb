import Foundation
import PreferCore

/// Reads preference pairs with texts for `prefer reward`, from files of two
/// shapes (detected from the first row of each file):
///
/// - TRL pairs, JSON Lines or a JSON array: `{"prompt", "chosen", "rejected"}`,
///   the texts as strings or as chat message lists (the last message is the
///   output; when `prompt` is absent, the earlier messages are the prompt).
/// - Votes: rows with `winner` (`model_a`, `model_b`, `tie`, `tie (bothbad)`),
///   `prompt` and the two texts as `text_a`/`text_b` (or `output_a`/`output_b`);
///   with `model_a`/`model_b` the file goes through `VoteParser` (JSONL, JSON or
///   CSV) and the contenders are kept; `"source": "judge"` marks a judge's vote.
///
/// Errors name the file, the line and the field. (The `data` importers will
/// replace this reader; it is kept to one file for that.)
struct PreferencePairReader {
    var progress: ProgressLine
    var threads: Int?

    static let textFields = ["text_a", "text_b", "output_a", "output_b"]

    func read(_ paths: [String]) throws -> [PreferencePair] {
        var out: [PreferencePair] = []
        for path in paths {
            let name = path == "-" ? "<stdin>" : path
            progress.update("reading \(name)", force: true)
            let data: Data
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let d = FileManager.default.contents(atPath: path) else {
                    throw CommandError("cannot read \(path): no such file, or not readable. Check the path, or use - for standard input.")
                }
                data = d
            }
            out += try parse(data, source: name)
        }
        progress.finish()
        return out
    }

    func parse(_ data: Data, source: String) throws -> [PreferencePair] {
        let bytes = [UInt8](data)
        guard let first = bytes.firstIndex(where: { !Self.isSpace($0) }) else { return [] }
        if bytes[first] == UInt8(ascii: "{") || bytes[first] == UInt8(ascii: "[") {
            let rows = try Self.jsonRows(bytes, first: first, source: source)
            guard let head = rows.first else { return [] }
            if head.object["model_a"] != nil && head.object["chosen"] == nil {
                return try voteRows(data, source: source, lines: rows.map(\.line))
            }
            return try rows.map { try pair(from: $0.object, source: source, line: $0.line) }
        }
        return try voteRows(data, source: source, lines: nil)
    }

    /// One object row, TRL or vote.
    func pair(from object: [String: Any], source: String, line: Int) throws -> PreferencePair {
        func fail(_ field: String, _ message: String) -> CommandError {
            CommandError("\(source):\(line): field \"\(field)\" \(message)")
        }
        let origin = "\(source):\(line)"
        if object["chosen"] != nil || object["rejected"] != nil {
            var prompt = try object["prompt"].map { try Self.text($0, field: "prompt", fail: fail).text }
            let chosen = try Self.text(object["chosen"], field: "chosen", fail: fail)
            let rejected = try Self.text(object["rejected"], field: "rejected", fail: fail)
            if prompt == nil { prompt = chosen.context }
            guard let prompt else {
                throw fail("prompt", "is missing: give each pair a prompt (or chosen/rejected as message lists whose earlier messages are the prompt).")
            }
            return PreferencePair(prompt: prompt, chosen: chosen.text, rejected: rejected.text, origin: origin)
        }
        guard let winnerValue = object["winner"] else {
            throw fail("chosen", "is missing: each row needs prompt, chosen and rejected (TRL pairs), or winner, prompt and text_a/text_b (votes).")
        }
        guard let winner = winnerValue as? String, let outcome = Outcome(label: winner) else {
            throw fail("winner", "must be one of \(Outcome.labels.joined(separator: ", ")); got \(winnerValue).")
        }
        guard let promptValue = object["prompt"] else { throw fail("prompt", "is missing: votes need the prompt to learn from texts.") }
        let prompt = try Self.text(promptValue, field: "prompt", fail: fail).text
        let fieldA = object["text_a"] == nil && object["output_a"] != nil ? "output_a" : "text_a"
        let fieldB = object["text_b"] == nil && object["output_b"] != nil ? "output_b" : "text_b"
        let a = try Self.text(object[fieldA], field: fieldA, fail: fail).text
        let b = try Self.text(object[fieldB], field: fieldB, fail: fail).text
        return Self.pair(prompt: prompt, a: a, b: b, outcome: outcome, modelA: object["model_a"] as? String, modelB: object["model_b"] as? String,
                         weight: (object["weight"] as? Double) ?? 1, judge: (object["source"] as? String) == "judge", origin: origin)
    }

    static func pair(prompt: String, a: String, b: String, outcome: Outcome, modelA: String?, modelB: String?, weight: Double, judge: Bool, origin: String) -> PreferencePair {
        let bWins = outcome == .bWins
        return PreferencePair(
            prompt: prompt, chosen: bWins ? b : a, rejected: bWins ? a : b, label: outcome.isTie ? 0.5 : 1, weight: weight,
            chosenContender: bWins ? modelB : modelA, rejectedContender: bWins ? modelA : modelB, isJudge: judge, origin: origin)
    }

    /// Vote rows through `VoteParser`; `lines` maps rows to lines when known.
    func voteRows(_ data: Data, source: String, lines: [Int]?) throws -> [PreferencePair] {
        var options = VoteParseOptions()
        options.fields = Set(["prompt", "source"] + Self.textFields)
        options.threads = threads
        let parsed: VoteParseResult
        do {
            parsed = try data.withUnsafeBytes { try VoteParser.parse($0, source: source, options: options) }
        } catch let error as VoteParseError {
            throw CommandError(error.description)
        }
        let table = parsed.table
        func where_(_ row: Int) -> String {
            if let lines, row < lines.count { return "\(source):\(lines[row])" }
            return "\(source): row \(row + 1)"
        }
        let prompt = table.attributes["prompt"]
        let textA = table.attributes["text_a"]
        let textB = table.attributes["text_b"]
        let outputA = table.attributes["output_a"]
        let outputB = table.attributes["output_b"]
        let sources = table.attributes["source"]
        var out: [PreferencePair] = []
        out.reserveCapacity(table.count)
        for row in 0..<table.count {
            guard let p = prompt?[row] else {
                throw CommandError("\(where_(row)): field \"prompt\" is missing: votes need the prompt to learn from texts.")
            }
            guard let a = textA?[row] ?? outputA?[row] else {
                throw CommandError("\(where_(row)): field \"text_a\" is missing: give the outputs' texts as text_a and text_b (or output_a and output_b).")
            }
            guard let b = textB?[row] ?? outputB?[row] else {
                throw CommandError("\(where_(row)): field \"text_b\" is missing: give the outputs' texts as text_a and text_b (or output_a and output_b).")
            }
            out.append(Self.pair(
                prompt: p, a: a, b: b, outcome: table.outcomes[row],
                modelA: table.contenders[Int(table.a[row])], modelB: table.contenders[Int(table.b[row])],
                weight: table.weight(at: row), judge: sources?[row] == "judge", origin: where_(row)))
        }
        return out
    }

    /// A text field: a string, or a chat message list (the last message's
    /// content; the earlier ones joined as context).
    static func text(_ value: Any?, field: String, fail: (String, String) -> CommandError) throws -> (text: String, context: String?) {
        guard let value, !(value is NSNull) else {
            throw fail(field, "is missing: give each pair's texts (prompt, chosen and rejected; or text_a and text_b with winner).")
        }
        if let s = value as? String { return (s, nil) }
        if let messages = value as? [[String: Any]], let last = messages.last {
            guard let content = last["content"] as? String else {
                throw fail(field, "is a message list whose last message has no text \"content\".")
            }
            let earlier = messages.dropLast().compactMap { $0["content"] as? String }
            return (content, earlier.isEmpty ? nil : earlier.joined(separator: "\n\n"))
        }
        throw fail(field, "must be a string (or a list of chat messages).")
    }

    struct Row {
        var object: [String: Any]
        var line: Int
    }

    /// The objects of a JSON Lines file or a JSON array, with their lines.
    static func jsonRows(_ bytes: [UInt8], first: Int, source: String) throws -> [Row] {
        if bytes[first] == UInt8(ascii: "[") {
            let value: Any
            do {
                value = try JSONSerialization.jsonObject(with: Data(bytes))
            } catch {
                throw CommandError("\(source): not valid JSON (\(error.localizedDescription)); give JSON Lines or a JSON array of objects.")
            }
            guard let array = value as? [Any] else { throw CommandError("\(source): expected a JSON array of objects.") }
            return try array.enumerated().map { k, item in
                guard let object = item as? [String: Any] else {
                    throw CommandError("\(source): item \(k + 1) of the array is not an object.")
                }
                return Row(object: object, line: k + 1)
            }
        }
        var rows: [Row] = []
        var line = 1
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            var content = bytes[start..<end]
            while let last = content.last, isSpace(last) { content = content.dropLast() }
            while let firstByte = content.first, isSpace(firstByte) { content = content.dropFirst() }
            if !content.isEmpty {
                let value: Any
                do {
                    value = try JSONSerialization.jsonObject(with: Data(content))
                } catch {
                    throw CommandError("\(source):\(line): not valid JSON; each line must be one JSON object.")
                }
                guard let object = value as? [String: Any] else {
                    throw CommandError("\(source):\(line): each line must be a JSON object.")
                }
                rows.append(Row(object: object, line: line))
            }
            line += 1
            start = end + 1
        }
        return rows
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}
