import ArgumentParser
import Foundation
import PreferCore

/// `prefer rank` options that cut, follow or re-weight the votes: one board
/// per value of a field or per criterion (with the Pareto view), ratings over
/// time, per-group boards with the disagreement report, and population
/// weighting. All of them run through `SliceAnalysis`.
struct SlicingOptions: ParsableArguments {
    @Option(name: .customLong("by"), help: ArgumentHelp(
        "One leaderboard per value of FIELD (category, language or any field of the votes), each with its own intervals; --by criterion gives one per criterion and the Pareto view.",
        valueName: "FIELD"))
    var by: String?

    @Option(name: .customLong("over"), help: ArgumentHelp("Ratings over time: --over time --every 1d.", valueName: "time"))
    var over: String?

    @Option(name: .customLong("every"), help: ArgumentHelp(
        "A trajectory point every SPAN: 12h, 1d, 1w (UTC boundaries, weeks on Mondays) or 10000votes.", valueName: "SPAN"))
    var every: String?

    @Option(name: .customLong("window"), help: ArgumentHelp(
        "Rank each point on the votes of the last SPAN only (7d, 50000votes), not on every vote so far.", valueName: "SPAN"))
    var window: String?

    @Option(name: .customLong("provisional-votes"), help: ArgumentHelp(
        "Contenders with fewer votes on a board (or so far, on a trajectory) are provisional; a slice whose median contender has fewer is small. 0 turns this off.",
        valueName: "N"))
    var provisionalVotes = 50

    @Option(name: .customLong("group-by"), help: ArgumentHelp(
        "One leaderboard per annotator group (a field of the votes, e.g. country), the disagreement between groups, and the board with every group weighted equally.",
        valueName: "FIELD"))
    var groupBy: String?

    @Option(name: .customLong("min-group-size"), help: ArgumentHelp(
        "Groups with fewer distinct annotators are not shown on their own but merged into \"other\".", valueName: "N"))
    var minGroupSize = 5

    @Option(name: .customLong("weights"), help: ArgumentHelp(
        "Re-weight votes to target shares of a population (post-stratification), e.g. country=US:0.3,FR:0.2,JP:0.5.",
        valueName: "FIELD=VALUE:SHARE,…"))
    var weights: String?

    @Option(name: .customLong("weights-file"), help: ArgumentHelp(
        "Target shares from a file: a JSON object {\"US\": 0.3, …} or CSV lines VALUE,SHARE; the field is --group-by's.",
        valueName: "FILE"))
    var weightsFile: String?

    func validate() throws {
        if let over, over != "time" { throw ValidationError("--over takes \"time\" (ratings over time); got \"\(over)\".") }
        if over != nil && every == nil {
            throw ValidationError("--over time needs --every SPAN, e.g. --every 1d, --every 1w or --every 10000votes.")
        }
        if let every, TrajectorySpan(parsing: every) == nil {
            throw ValidationError("--every takes a span such as 12h, 1d, 1w or 10000votes; got \"\(every)\".")
        }
        if let window {
            guard every != nil else { throw ValidationError("--window needs --every SPAN (the points of the trajectory).") }
            if TrajectorySpan(parsing: window) == nil {
                throw ValidationError("--window takes a span such as 7d, 4w or 50000votes; got \"\(window)\".")
            }
        }
        if provisionalVotes < 0 { throw ValidationError("--provisional-votes must be 0 or more.") }
        if minGroupSize < 1 { throw ValidationError("--min-group-size must be at least 1.") }
        if weights != nil && weightsFile != nil { throw ValidationError("give either --weights or --weights-file, not both.") }
        if let weights {
            let parsed = try Self.parseWeights(weights)
            if let groupBy, groupBy != parsed.field {
                throw ValidationError("--weights is for \"\(parsed.field)\" but --group-by is \"\(groupBy)\"; weight the field you group by.")
            }
        }
        if weightsFile != nil && groupBy == nil {
            throw ValidationError("--weights-file needs --group-by FIELD to say which field its shares are for.")
        }
    }

    /// Parses `FIELD=VALUE:SHARE,VALUE:SHARE`.
    static func parseWeights(_ text: String) throws -> (field: String, shares: [String: Double]) {
        let example = "e.g. --weights country=US:0.3,FR:0.2,JP:0.5"
        guard let eq = text.firstIndex(of: "="), eq > text.startIndex else {
            throw ValidationError("--weights takes FIELD=VALUE:SHARE,…, \(example); got \"\(text)\".")
        }
        let field = String(text[..<eq])
        var shares: [String: Double] = [:]
        for item in text[text.index(after: eq)...].split(separator: ",") {
            guard let colon = item.lastIndex(of: ":"), colon > item.startIndex,
                  let share = Double(item[item.index(after: colon)...]), share >= 0, share.isFinite
            else {
                throw ValidationError("--weights: \"\(item)\" is not VALUE:SHARE with a share of 0 or more, \(example).")
            }
            let value = String(item[..<colon])
            if shares[value] != nil { throw ValidationError("--weights names \"\(value)\" twice.") }
            shares[value] = share
        }
        guard shares.values.contains(where: { $0 > 0 }) else {
            throw ValidationError("--weights needs at least one share above 0, \(example).")
        }
        return (field, shares)
    }

    /// Reads `--weights-file`: a JSON object of shares, or CSV lines VALUE,SHARE (a header line is skipped).
    static func readWeightsFile(_ path: String) throws -> [String: Double] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandError("cannot read \(path): \(error.localizedDescription). Check the path given to --weights-file.")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw CommandError("\(path): not a JSON object of shares such as {\"US\": 0.3, \"FR\": 0.2}.")
            }
            var shares: [String: Double] = [:]
            for (key, value) in object {
                guard let share = (value as? NSNumber)?.doubleValue, share >= 0, share.isFinite, !(value is Bool) else {
                    throw CommandError("\(path): the share of \"\(key)\" must be a number of 0 or more.")
                }
                shares[key] = share
            }
            return shares
        }
        var shares: [String: Double] = [:]
        var first = true
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            defer { first = false }
            let cells = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2 else {
                throw CommandError("\(path):\(n + 1): expected VALUE,SHARE, got \"\(trimmed)\".")
            }
            guard let share = Double(cells[1]), share >= 0, share.isFinite else {
                if first { continue }  // a header line such as "country,share"
                throw CommandError("\(path):\(n + 1): share: \"\(cells[1])\" is not a number of 0 or more.")
            }
            shares[cells[0]] = share
        }
        guard shares.values.contains(where: { $0 > 0 }) else {
            throw CommandError("\(path): no share above 0; write lines such as US,0.3.")
        }
        return shares
    }

    /// The vote-file fields to ask the parser for.
    var fields: Set<String> {
        (try? analysis(options: LeaderboardOptions()))?.fields ?? []
    }

    /// The analysis these options ask for, on boards built with `options`.
    func analysis(options: LeaderboardOptions) throws -> SliceAnalysis {
        var analysis = SliceAnalysis(ranker: SliceRanker(builder: LeaderboardBuilder(options: options), provisionalVotes: provisionalVotes))
        analysis.by = by
        if let every, let span = TrajectorySpan(parsing: every) {
            analysis.trajectory = TrajectorySchedule(every: span, window: window.flatMap(TrajectorySpan.init(parsing:)))
        }
        analysis.groupBy = groupBy
        analysis.minimumGroupSize = minGroupSize
        if let weights {
            analysis.weights = try Self.parseWeights(weights)
        } else if let weightsFile, let groupBy {
            analysis.weights = (groupBy, try Self.readWeightsFile(weightsFile))
        }
        return analysis
    }

    /// Marks the whole board's provisional contenders, then computes the
    /// report (empty when no slicing option was given).
    func report(
        _ table: VoteTable, board: inout Leaderboard, options: LeaderboardOptions, progress: ProgressLine
    ) throws -> SliceReport {
        board.markProvisional(minimumVotes: provisionalVotes)
        let analysis = try analysis(options: options)
        guard analysis.by != nil || analysis.trajectory != nil || analysis.groupBy != nil || analysis.weights != nil else {
            return SliceReport()
        }
        do {
            return try analysis.run(table, board: board) { step, done, total in
                progress.update("\(step) \(done + (step == "trajectory point" ? 0 : 1)) of \(total)")
            }
        } catch {
            throw CommandError(error.message)
        }
    }
}
