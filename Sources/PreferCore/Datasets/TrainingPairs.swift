import Foundation

/// Turns preference records into the rows trainers read (TRL's dataset
/// formats, https://huggingface.co/docs/trl/dataset_formats):
///
/// - `trl`: standard preference, `{"prompt", "chosen", "rejected", "margin"}`
///   as strings (DPO, IPO, ORPO, reward modelling);
/// - `trlChat`: conversational preference, the same keys as lists of
///   `{"role", "content"}` messages (a string prompt becomes one user
///   message, a completion one assistant message, an HH-RLHF transcript its turns);
/// - `reward`: implicit-prompt standard preference for `RewardTrainer`,
///   `{"chosen", "rejected", "margin"}` with the prompt written into both;
/// - `kto`: unpaired preference, `{"prompt", "completion", "label"}`, two
///   rows per decisive pair (the winner `true`, the loser `false`).
///
/// A group is one record, or (deduplicating) every record of one prompt and
/// one unordered pair of outputs, their annotations added up. Its verdict:
/// the side with more wins is chosen; equal wins make a tie, or "both bad"
/// when both-bad annotations outnumber ties. Ties and both-bad groups are
/// dropped unless kept: kept, a pair format writes them with `"tie": true`
/// (and `"both_bad": true`) and margin 0, and KTO writes a both-bad group as
/// two `false` rows (a tie says nothing about desirability, so KTO never
/// writes ties).
///
/// `margin` (Llama 2's margin in the reward loss, TRL's `margin` column):
/// the mean rating difference when the records carry one (binarised
/// ratings); otherwise, with two or more decisive annotations, the log-odds
/// of the verdict with half a count added to each side,
/// ln((w + ½)/(l + ½)) — the Bradley–Terry strength difference the votes
/// support; 0 when neither exists (a single vote). O(group size) per group.
public struct TrainingPairs: Sendable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case trl
        case trlChat = "trl-chat"
        case kto
        case reward
    }

    /// What to do with groups whose verdict is not a win.
    public enum Keep: String, Sendable, Hashable, CaseIterable {
        case drop, keep
    }

    /// The identity of an exported pair, for `difficulty`.
    public struct PairIdentity: Sendable, Hashable {
        public var prompt: String
        public var first: String
        public var second: String
        public var contenderFirst: String?
        public var contenderSecond: String?
    }

    public struct Options: Sendable {
        public var format: Format = .trl
        public var ties: Keep = .drop
        public var bothBad: Keep = .drop
        /// Merge the records of one prompt and one pair of outputs.
        public var dedupe = true
        /// Train/test by prompt; nil writes everything to train.
        public var split: PromptSplit?
        /// The contested/easy label of a pair (from a disagreement analysis),
        /// written as `"difficulty"` when it gives one.
        public var difficulty: (@Sendable (PairIdentity) -> String?)?
        /// Keep only pairs whose `difficulty` label is this one (nil keeps
        /// every pair); pairs without a label are left out then.
        public var difficultyFilter: String?

        public init() {}
    }

    /// What the export did, for the report.
    public struct Tally: Sendable, Hashable, Codable {
        public var groups = 0
        public var rows = 0
        public var trainRows = 0
        public var testRows = 0
        public var droppedTies = 0
        public var droppedBothBad = 0
        /// Pairs whose two outputs are the same text.
        public var droppedIdentical = 0
        /// Pairs left out by `difficultyFilter`.
        public var droppedByDifficulty = 0
        public var merged = 0
        public var promptsTrain = 0
        public var promptsTest = 0

        public init() {}
    }

    public var options: Options
    public private(set) var tally = Tally()

    public init(options: Options) {
        self.options = options
    }

    /// One output line and the side of the split it belongs to.
    public struct Row: Sendable {
        public var isTest: Bool
        public var bytes: [UInt8]
    }

    /// The rows for all records of one prompt (records of different prompts
    /// must come in different calls; a prompt's records may come in one call
    /// or several when not deduplicating).
    public mutating func rows(forPrompt records: [PreferenceRecord]) -> [Row] {
        guard let firstRecord = records.first else { return [] }
        let promptText = firstRecord.prompt?.text ?? ""
        let isTest = options.split?.isTest(promptText) ?? false
        if isTest { tally.promptsTest += 1 } else { tally.promptsTrain += 1 }
        var groups: [[PreferenceRecord]] = []
        if options.dedupe {
            var index: [PairKey: Int] = [:]
            for record in records {
                let (key, oriented) = PairKey.of(record)
                if let g = index[key] {
                    groups[g].append(oriented)
                    tally.merged += 1
                } else {
                    index[key] = groups.count
                    groups.append([oriented])
                }
            }
        } else {
            groups = records.map { [$0] }
        }
        var out: [Row] = []
        for group in groups {
            tally.groups += 1
            for bytes in lines(group) {
                out.append(Row(isTest: isTest, bytes: bytes))
                tally.rows += 1
                if isTest { tally.testRows += 1 } else { tally.trainRows += 1 }
            }
        }
        return out
    }

    /// A group's pair identity: the two outputs in a fixed order.
    struct PairKey: Hashable {
        var first: PreferenceText
        var second: PreferenceText
        var contenders: [String?]

        static func of(_ record: PreferenceRecord) -> (PairKey, PreferenceRecord) {
            let ordered = record.a.text < record.b.text || (record.a.text == record.b.text && (record.contenderA ?? "") <= (record.contenderB ?? ""))
            let oriented = ordered ? record : record.swapped
            return (PairKey(first: oriented.a, second: oriented.b, contenders: [oriented.contenderA, oriented.contenderB]), oriented)
        }
    }

    enum Verdict {
        case first, second, tie, bothBad
    }

    private mutating func lines(_ group: [PreferenceRecord]) -> [[UInt8]] {
        let record = group[0]
        if record.a == record.b {
            tally.droppedIdentical += 1
            return []
        }
        var difficulty: String?
        if let hook = options.difficulty {
            difficulty = hook(PairIdentity(
                prompt: record.prompt?.text ?? "", first: record.a.text, second: record.b.text,
                contenderFirst: record.contenderA, contenderSecond: record.contenderB))
        }
        if let filter = options.difficultyFilter, difficulty != filter {
            tally.droppedByDifficulty += 1
            return []
        }
        let counts = group.dropFirst().reduce(record.counts) { $0 + $1.counts }
        let verdict: Verdict
        if counts.aWins > counts.bWins {
            verdict = .first
        } else if counts.bWins > counts.aWins {
            verdict = .second
        } else if counts.bothBad > counts.ties {
            verdict = .bothBad
        } else {
            verdict = .tie
        }
        switch verdict {
        case .tie where options.ties == .drop || options.format == .kto:
            tally.droppedTies += 1
            return []
        case .bothBad where options.bothBad == .drop:
            tally.droppedBothBad += 1
            return []
        default:
            break
        }
        let chosen = verdict == .second ? record.b : record.a
        let rejected = verdict == .second ? record.a : record.b
        let decisive = verdict == .first || verdict == .second
        var margin = 0.0
        if decisive {
            let margins = group.compactMap(\.margin)
            if margins.count == group.count && !margins.isEmpty {
                margin = margins.reduce(0, +) / Double(margins.count)
            } else if counts.aWins + counts.bWins >= 2 {
                let w = Double(max(counts.aWins, counts.bWins))
                let l = Double(min(counts.aWins, counts.bWins))
                margin = Foundation.log((w + 0.5) / (l + 0.5))
            }
        }
        let prompt = record.prompt
        switch options.format {
        case .kto:
            let labels: [(PreferenceText, Bool)] = decisive ? [(chosen, true), (rejected, false)] : [(chosen, false), (rejected, false)]
            return labels.map { completion, label in
                var line = JSONLine()
                line.key("prompt")
                line.string(prompt?.text ?? "")
                line.key("completion")
                line.string(completion.text)
                line.key("label")
                line.bool(label)
                if let difficulty {
                    line.key("difficulty")
                    line.string(difficulty)
                }
                return line.finishedBytes()
            }
        case .trl, .trlChat, .reward:
            var line = JSONLine()
            switch options.format {
            case .trlChat:
                line.key("prompt")
                line.messages(prompt?.messages(role: "user") ?? [])
                line.key("chosen")
                line.messages(chosen.messages(role: "assistant"))
                line.key("rejected")
                line.messages(rejected.messages(role: "assistant"))
            case .reward:
                line.key("chosen")
                line.string(Self.join(prompt?.text, chosen.text))
                line.key("rejected")
                line.string(Self.join(prompt?.text, rejected.text))
            default:
                line.key("prompt")
                line.string(prompt?.text ?? "")
                line.key("chosen")
                line.string(chosen.text)
                line.key("rejected")
                line.string(rejected.text)
            }
            line.key("margin")
            line.number(margin)
            if !decisive {
                line.key("tie")
                line.bool(true)
                if verdict == .bothBad {
                    line.key("both_bad")
                    line.bool(true)
                }
            }
            if let difficulty {
                line.key("difficulty")
                line.string(difficulty)
            }
            return [line.finishedBytes()]
        }
    }

    /// Prompt and completion as one text (implicit-prompt formats): as they
    /// are when either side brings whitespace to the seam, else with a blank
    /// line between them.
    static func join(_ prompt: String?, _ completion: String) -> String {
        guard let prompt, !prompt.isEmpty else { return completion }
        let seam = prompt.last.map { $0.isWhitespace } == true || completion.first.map { $0.isWhitespace } == true
        return seam ? prompt + completion : prompt + "\n\n" + completion
    }
}
