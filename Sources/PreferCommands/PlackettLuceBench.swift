import ArgumentParser
import Foundation
import PreferCore

/// `prefer bench plackett-luce`: `prefer rank` on K-way rankings with a
/// Plackett–Luce bootstrap against choix's `ilsr_rankings` run once, whole
/// processes, same file, in the same run.
///
/// The file is drawn from the Plackett–Luce model itself (ratings 1000 +
/// Normal(0, 120); K contenders drawn uniformly without replacement; their
/// ranking drawn with the Gumbel trick: sort θᵢ + Gumbel noise, θ = R·ln10/400),
/// seeded, as `{"ranking": [...]}` rows. Then, alternately, `--repeats` times
/// each: this executable's `prefer rank FILE --bootstrap N --format json
/// --quiet --timings`, and `PYTHON bench/choix_rank.py FILE` (read the JSONL,
/// `choix.ilsr_rankings` once), and unless `--no-full-refit`, prefer rank
/// again with `--bootstrap-refit full` (every round refitted). The fastest
/// wall time of each, the ratios, each side's steps, which bootstrap refit
/// prefer chose and the largest rating difference go to stdout as JSON.
struct PlackettLuceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plackett-luce",
        abstract: "Time prefer rank (Plackett–Luce, bootstrap) against choix's ilsr_rankings on the same K-way file.",
        discussion: """
        Needs a Python with numpy and choix for the reference side (--python, default $PYTHON or \
        python3; bench/requirements-pl.txt lists the versions) and bench/choix_rank.py (--script). \
        --no-reference times prefer alone. Run it on a release build: swift build -c release --product prefer.

        Example:
          .build/release/prefer bench plackett-luce --contenders 100 --votes 300000 --k 4 --rounds 1000 --python /work/pyref/bin/python
        """
    )

    @Option(help: "Number of contenders.") var contenders = 100
    @Option(help: "Number of K-way votes (full rankings).") var votes = 300_000
    @Option(help: "Candidates per vote (K ≥ 2).") var k = 4
    @Option(help: "Bootstrap rounds of prefer rank.") var rounds = 1000
    @Option(help: "Seed of the generated votes and of the bootstrap.") var seed: UInt64 = 1
    @Option(help: "Worker threads of prefer rank (default: all cores).") var threads: Int?
    @Option(name: .customLong("bootstrap-refit"), help: "prefer rank's --bootstrap-refit: full, one-step or auto.") var bootstrapRefit: Bootstrap.Refit = .auto
    @Flag(name: .customLong("no-full-refit"), help: "Do not also time prefer rank with --bootstrap-refit full.") var noFullRefit = false
    @Option(help: "Run each side N times and keep the fastest.") var repeats = 1
    @Option(help: "Python with numpy and choix (default: $PYTHON, else python3).") var python: String?
    @Option(help: "The reference script.") var script = "bench/choix_rank.py"
    @Flag(name: .customLong("no-reference"), help: "Time prefer rank only.") var noReference = false
    @Option(help: "Keep the generated votes in this JSONL file (default: a temporary file, removed).") var write: String?
    @Flag(name: .shortAndLong, help: "No progress messages on standard error.") var quiet = false

    func validate() throws {
        if contenders < k { throw ValidationError("--contenders must be at least --k (\(k)).") }
        if k < 2 || k > 255 { throw ValidationError("--k must be between 2 and 255.") }
        if votes < 1 { throw ValidationError("--votes must be at least 1.") }
        if rounds < 0 { throw ValidationError("--rounds must be 0 or more.") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1.") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    func run() throws {
        if !noReference && !FileManager.default.fileExists(atPath: script) {
            throw CommandError("\(script): no such file; run from the repository root, give --script path/to/choix_rank.py, or --no-reference.")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-pl-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = write ?? directory.appendingPathComponent("rankings.jsonl").path
        let referenceOut = directory.appendingPathComponent("choix.json").path

        if !quiet { printError("generating \(votes) \(k)-way rankings over \(contenders) contenders…") }
        let (text, truth) = Self.rankings(contenders: contenders, votes: votes, k: k, seed: seed)
        try text.write(to: URL(fileURLWithPath: file))

        let executable = FileManager.default.fileExists(atPath: "/proc/self/exe")
            ? URL(fileURLWithPath: "/proc/self/exe")
            : URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var rankArguments = ["rank", file, "--bootstrap", String(rounds), "--seed", String(seed), "--format", "json", "--quiet", "--timings"]
        if let threads { rankArguments += ["--threads", String(threads)] }
        let fullRefitArguments = rankArguments + ["--bootstrap-refit", "full"]
        rankArguments += ["--bootstrap-refit", bootstrapRefit.rawValue]
        let timeFullRefit = !noFullRefit && bootstrapRefit != .full && rounds > 0
        let pythonPath = python ?? ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"

        var best: [String: Double] = [:]
        func keep(_ key: String, _ value: Double) { best[key] = min(best[key] ?? .infinity, value) }
        var board: [String: Any] = [:]
        var reference: [String: Any]?
        for repeat_ in 1...repeats {
            if !quiet { printError("run \(repeat_)/\(repeats): prefer rank --bootstrap \(rounds)…") }
            let mine = try Self.timed(executable, rankArguments)
            guard let steps = mine.stderr.split(separator: "\n").last.flatMap({ Self.object(Data($0.utf8)) }),
                  let parsed = Self.object(mine.stdout) else {
                throw CommandError("prefer rank printed no leaderboard or timings: \(String(decoding: Data(mine.stderr.utf8).suffix(2000), as: UTF8.self))")
            }
            board = parsed
            keep("prefer", mine.seconds)
            keep("prefer_read", Self.number(steps["read_s"]))
            keep("prefer_fit", Self.number(steps["aggregate_s"]) + Self.number(steps["fit_s"]))
            keep("prefer_bootstrap", Self.number(steps["intervals_s"]))
            if timeFullRefit {
                if !quiet { printError("run \(repeat_)/\(repeats): prefer rank --bootstrap \(rounds) --bootstrap-refit full…") }
                let full = try Self.timed(executable, fullRefitArguments)
                guard let fullSteps = full.stderr.split(separator: "\n").last.flatMap({ Self.object(Data($0.utf8)) }) else {
                    throw CommandError("prefer rank --bootstrap-refit full printed no timings: \(String(decoding: Data(full.stderr.utf8).suffix(2000), as: UTF8.self))")
                }
                keep("prefer_full_refit", full.seconds)
                keep("prefer_full_refit_bootstrap", Self.number(fullSteps["intervals_s"]))
            }
            guard !noReference else { continue }
            if !quiet { printError("run \(repeat_)/\(repeats): \(pythonPath) \(script) (choix ilsr_rankings once)…") }
            let theirs: (seconds: Double, stdout: Data, stderr: String)
            do {
                theirs = try Self.timed(URL(fileURLWithPath: "/usr/bin/env"), [pythonPath, script, file, "--out", referenceOut])
            } catch {
                throw CommandError("\(error)\nThe reference side needs numpy and choix in \(pythonPath): give --python, pip install -r bench/requirements-pl.txt, or --no-reference.")
            }
            guard let info = Self.object(theirs.stdout), let times = info["times_s"] as? [String: Any] else {
                throw CommandError("\(script) failed; it needs numpy and choix in \(pythonPath) (pip install -r bench/requirements-pl.txt):\n\(theirs.stderr)")
            }
            keep("choix", theirs.seconds)
            keep("choix_read", Self.number(times["load"]))
            keep("choix_fit", Self.number(times["fit"]))
            reference = Self.object(try Data(contentsOf: URL(fileURLWithPath: referenceOut)))
        }

        let entries = board["contenders"] as? [[String: Any]] ?? []
        var ratings: [String: Double] = [:]
        var width = 0.0
        for entry in entries {
            guard let name = entry["name"] as? String else { continue }
            ratings[name] = Self.number(entry["rating"])
            width += Self.number(entry["upper"]) - Self.number(entry["lower"])
        }
        let method = board["method"] as? [String: Any] ?? [:]
        var report: [String: Any] = [
            "votes": votes, "contenders": contenders, "k": k, "rounds": rounds, "seed": seed, "repeats": repeats,
            "threads": threads ?? ProcessInfo.processInfo.activeProcessorCount,
            "cpus": ProcessInfo.processInfo.activeProcessorCount,
            "jsonl_mb": Double(text.count) / 1e6,
            "times_s": best,
            "prefer_model": method["model"] ?? NSNull(),
            "prefer_model_reason": method["model_reason"] ?? NSNull(),
            "bootstrap_mean_iterations": method["bootstrap_mean_iterations"] ?? NSNull(),
            "bootstrap_full_fit_rounds": method["bootstrap_full_fit_rounds"] ?? NSNull(),
            "prefer_bootstrap_refit": method["bootstrap_refit"] ?? NSNull(),
            "prefer_bootstrap_refit_reason": method["bootstrap_refit_reason"] ?? NSNull(),
            "mean_ci_width": entries.isEmpty ? 0 : width / Double(entries.count),
            "max_abs_error_vs_truth": Self.maxCentredDifference(ratings, truth),
        ]
        if let reference, let names = reference["contenders"] as? [String], let values = reference["ratings"] as? [Any],
           let mineTime = best["prefer"], let theirTime = best["choix"] {
            let theirs = Dictionary(uniqueKeysWithValues: zip(names, values.map(Self.number)))
            report["speedup"] = theirTime / mineTime
            if let fullTime = best["prefer_full_refit"] { report["speedup_full_refit"] = theirTime / fullTime }
            report["max_rating_diff_vs_choix"] = Self.maxCentredDifference(ratings, theirs)
            report["python"] = pythonPath
        }
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        printOut(String(decoding: data, as: UTF8.self))
    }

    /// `votes` full K-way rankings drawn from Plackett–Luce, as JSONL, and the
    /// true Elo ratings.
    static func rankings(contenders n: Int, votes: Int, k: Int, seed: UInt64) -> (Data, [String: Double]) {
        var rng = Xoshiro256(seed: seed, stream: 0x504c)
        let names = (0..<n).map { String(format: "model-%03d", $0) }
        let ratings = (0..<n).map { _ in 1000 + 120 * rng.nextGaussian() }
        let theta = ratings.map { $0 * Foundation.log(10) / 400 }
        let quoted = names.map { Array("\"\($0)\"".utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(votes * (14 + k * 12))
        var pool = Array(0..<n)
        var keys = [(Double, Int)](repeating: (0, 0), count: k)
        for _ in 0..<votes {
            for slot in 0..<k {  // partial Fisher–Yates: k distinct contenders
                pool.swapAt(slot, slot + rng.nextIndex(below: n - slot))
                let u = max(rng.nextUnit(), Double.leastNormalMagnitude)
                keys[slot] = (theta[pool[slot]] - Foundation.log(-Foundation.log(u)), pool[slot])
            }
            keys.sort { $0.0 > $1.0 }
            bytes.append(contentsOf: Array("{\"ranking\":[".utf8))
            for (p, key) in keys.enumerated() {
                if p > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: quoted[key.1])
            }
            bytes.append(contentsOf: Array("]}\n".utf8))
        }
        return (Data(bytes), Dictionary(uniqueKeysWithValues: zip(names, ratings)))
    }

    /// Largest difference after centring both sets on their common names.
    static func maxCentredDifference(_ a: [String: Double], _ b: [String: Double]) -> Double {
        let common = a.keys.filter { b[$0] != nil }
        guard !common.isEmpty else { return .infinity }
        let meanA = common.reduce(0) { $0 + a[$1]! } / Double(common.count)
        let meanB = common.reduce(0) { $0 + b[$1]! } / Double(common.count)
        return common.reduce(0) { Swift.max($0, Swift.abs((a[$1]! - meanA) - (b[$1]! - meanB))) }
    }

    static func timed(_ executable: URL, _ arguments: [String]) throws -> (seconds: Double, stdout: Data, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("prefer-pl-bench-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent("prefer-pl-bench-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        // Files rather than pipes: a large leaderboard cannot fill a pipe and stall the child.
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        let seconds = (ContinuousClock.now - start).inSeconds
        let stdout = try Data(contentsOf: outURL)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandError("\(([executable.path] + arguments).joined(separator: " ")) exited with status \(process.terminationStatus):\n\(stderr)")
        }
        return (seconds, stdout, stderr)
    }

    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    static func number(_ value: Any?) -> Double {
        (value as? NSNumber)?.doubleValue ?? .nan
    }
}
