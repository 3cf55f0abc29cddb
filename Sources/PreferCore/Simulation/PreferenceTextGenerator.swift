import Foundation

/// Preference pairs with texts, generated with a known preference function,
/// for checking and benchmarking reward models.
///
/// - `planted`: texts of Zipf-distributed pseudo-words (exponent 1.1 over
///   `vocabulary` words, ~`words` words each); the true reward is a planted
///   function of n-gram features — Σ aᵤ·[word u occurs] over `plantedWords`
///   mid-frequency words plus Σ bᵥ·[phrase v occurs] over `plantedPhrases`
///   two-word phrases (each inserted into a text with probability 0.3), with
///   a, b ~ Normal(0, `strength`²). The label is drawn from Bradley–Terry on
///   the true rewards, so even the planted model itself is right only
///   E[max(p, 1−p)] of the time: `trueMargin` gives its prediction.
/// - `templates`: real-looking answers to templated questions (capitals,
///   how-to, explanations, tips, …), assembled from parts whose presence
///   drives a latent quality: a correct fact (+2), relevant details (+0.45
///   each), an example (+0.6), a refusal (−2.5), hedging (−0.6), padding
///   sentences (−0.5 each), typos (−0.4 each), a slight taste for length
///   (+0.15·ln words). Padding makes length a poor guide, as in real data.
///
/// Two outputs per pair, `pairsPerPrompt` pairs per prompt. Deterministic
/// given the seed. O(total words).
public struct PreferenceTextGenerator: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case planted
        case templates
    }

    public var kind: Kind
    public var pairs: Int
    public var pairsPerPrompt: Int
    public var seed: UInt64
    public var words: Int
    public var vocabulary: Int
    public var plantedWords: Int
    public var plantedPhrases: Int
    public var strength: Double
    /// Share of pairs that also get a judge vote (agreeing with the true
    /// preference's sign with probability `judgeAccuracy`), and of ties.
    public var judgeShare: Double
    public var judgeAccuracy: Double
    public var contenders: Int

    public init(kind: Kind, pairs: Int, seed: UInt64 = 1) {
        self.kind = kind
        self.pairs = pairs
        self.seed = seed
        pairsPerPrompt = 2
        words = kind == .planted ? 60 : 0
        vocabulary = 5000
        plantedWords = 40
        plantedPhrases = 20
        strength = 1.0
        judgeShare = 0
        judgeAccuracy = 0.7
        contenders = 6
    }

    public struct Sample: Sendable {
        public var pairs: [PreferencePair]
        /// The true reward difference (chosen − rejected) of each pair (the
        /// planted model's prediction), nil for judge rows.
        public var trueMargin: [Double?]
    }

    public func generate() -> Sample {
        var rng = Xoshiro256(seed: seed, stream: 0x7E47)
        switch kind {
        case .planted: return planted(&rng)
        case .templates: return templated(&rng)
        }
    }

    // MARK: - Planted n-gram preferences

    static let syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "so", "vi", "de", "pa", "go", "li", "ber", "tan", "mor", "sel",
                            "qu", "zi", "fa", "ho", "ri", "wen", "dal", "ko", "yu", "ste", "pra", "nol", "cu", "ex"]

    static func pseudoWords(_ count: Int, _ rng: inout Xoshiro256) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        while out.count < count {
            let length = 1 + rng.nextIndex(below: 4)
            let word = (0..<length).map { _ in syllables[rng.nextIndex(below: syllables.count)] }.joined()
            if seen.insert(word).inserted { out.append(word) }
        }
        return out
    }

    func planted(_ rng: inout Xoshiro256) -> Sample {
        let vocab = Self.pseudoWords(vocabulary, &rng)
        // Zipf(1.1) cumulative weights.
        var cumulative: [Double] = []
        var total = 0.0
        for r in 1...vocab.count {
            total += 1 / Foundation.pow(Double(r), 1.1)
            cumulative.append(total)
        }
        func zipfWord(_ rng: inout Xoshiro256) -> Int {
            RunningSums.index(above: rng.nextUnit() * total, in: cumulative)
        }
        // Planted words: ranks 20…20+3·plantedWords (present in a fair share of texts).
        var weightOf: [Int: Double] = [:]
        var ranks = Array(min(20, vocab.count / 4)..<min(vocab.count, 20 + 3 * plantedWords))
        ranks.shuffle(using: &rng)
        for r in ranks.prefix(plantedWords) { weightOf[r] = strength * rng.nextGaussian() }
        let phraseRange = vocab.count / 10..<min(vocab.count, vocab.count / 10 + 2000)
        let phrases = (0..<plantedPhrases).map { _ in
            (vocab[phraseRange.lowerBound + rng.nextIndex(below: phraseRange.count)], vocab[phraseRange.lowerBound + rng.nextIndex(below: phraseRange.count)])
        }
        let phraseWeight = (0..<plantedPhrases).map { _ in strength * rng.nextGaussian() }
        let length = max(words, 5)
        func text(_ rng: inout Xoshiro256) -> (String, Double) {
            let n = length * 7 / 10 + rng.nextIndex(below: max(1, length * 6 / 10))
            var tokens: [String] = []
            var present = Set<Int>()
            tokens.reserveCapacity(n + 2 * plantedPhrases)
            for _ in 0..<n {
                let w = zipfWord(&rng)
                present.insert(w)
                tokens.append(vocab[w])
            }
            var reward = present.reduce(0) { $0 + (weightOf[$1] ?? 0) }
            for (k, phrase) in phrases.enumerated() where rng.nextUnit() < 0.3 {
                let at = rng.nextIndex(below: tokens.count + 1)
                tokens.insert(contentsOf: [phrase.0, phrase.1], at: at)
                reward += phraseWeight[k]
            }
            // Sentences of 8–15 words.
            var out = ""
            var sentence = 0
            for (k, token) in tokens.enumerated() {
                if sentence == 0 {
                    out += (k > 0 ? " " : "") + token.prefix(1).uppercased() + token.dropFirst()
                } else {
                    out += " " + token
                }
                sentence += 1
                if sentence >= 8 && (rng.nextUnit() < 0.2 || k == tokens.count - 1) {
                    out += "."
                    sentence = 0
                }
            }
            if sentence > 0 { out += "." }
            return (out, reward)
        }
        var result: [PreferencePair] = []
        var margins: [Double?] = []
        result.reserveCapacity(pairs)
        var prompt = ""
        for p in 0..<pairs {
            if p % pairsPerPrompt == 0 {
                prompt = (0..<(6 + rng.nextIndex(below: 6))).map { _ in vocab[zipfWord(&rng)] }.joined(separator: " ") + "?"
            }
            let (a, ra) = text(&rng)
            let (b, rb) = text(&rng)
            let aWins = rng.nextUnit() < 1 / (1 + Foundation.exp(rb - ra))
            result.append(PreferencePair(prompt: prompt, chosen: aWins ? a : b, rejected: aWins ? b : a, origin: "generated:\(p + 1)"))
            margins.append(aWins ? ra - rb : rb - ra)
            if judgeShare > 0 && rng.nextUnit() < judgeShare {
                let right = rng.nextUnit() < judgeAccuracy
                let judgeA = (ra >= rb) == right
                result.append(PreferencePair(prompt: prompt, chosen: judgeA ? a : b, rejected: judgeA ? b : a, isJudge: true, origin: "generated-judge:\(p + 1)"))
                margins.append(nil)
            }
        }
        return Sample(pairs: result, trueMargin: margins)
    }

    // MARK: - Templated answers

    static let countries: [(String, String)] = [
        ("France", "Paris"), ("Japan", "Tokyo"), ("Kenya", "Nairobi"), ("Canada", "Ottawa"), ("Brazil", "Brasília"),
        ("Australia", "Canberra"), ("Egypt", "Cairo"), ("Norway", "Oslo"), ("Peru", "Lima"), ("India", "New Delhi"),
        ("Spain", "Madrid"), ("Vietnam", "Hanoi"), ("Chile", "Santiago"), ("Poland", "Warsaw"), ("Ghana", "Accra"),
        ("Turkey", "Ankara"), ("Mexico", "Mexico City"), ("Italy", "Rome"), ("Sweden", "Stockholm"), ("Morocco", "Rabat"),
    ]
    static let tasks = ["reverse a list", "read a file line by line", "sort a dictionary by value", "remove duplicates from an array",
                        "parse JSON", "measure elapsed time", "format a date", "split a string on commas", "count word frequencies",
                        "merge two sorted lists"]
    static let languages = ["Python", "Swift", "JavaScript", "Rust", "Go", "Java"]
    static let concepts = ["photosynthesis", "inflation", "recursion", "entropy", "vaccination", "compound interest", "plate tectonics",
                           "machine learning", "the greenhouse effect", "supply and demand", "natural selection", "public key cryptography"]
    static let activities = ["running a first marathon", "learning a new language", "sleeping better", "saving money", "public speaking",
                             "growing tomatoes", "studying for exams", "working from home", "cooking rice", "training a puppy"]
    static let foods = ["oats", "spinach", "lentils", "blueberries", "salmon", "almonds", "yogurt", "broccoli", "green tea", "eggs"]

    static let detailBank = [
        "The key idea is to break the problem into small steps and check each one.",
        "A common mistake is to skip this step, which leads to subtle errors later.",
        "Research over the last decade has confirmed this in several large studies.",
        "For example, many people find that starting small makes it easier to stay consistent.",
        "This works because the underlying process repeats until a stable state is reached.",
        "In practice, measuring progress every week helps you notice what is working.",
        "The same approach also applies to related problems with only minor changes.",
        "Experts usually recommend combining this with a clear plan and realistic goals.",
        "One useful rule of thumb is to change one thing at a time and observe the effect.",
        "Historically, this was first described in the nineteenth century and refined since.",
        "It also helps to write down what you learn so you can review it later.",
        "Keep in mind that results vary, so adjust the plan to your own situation.",
    ]
    static let padding = [
        "As an AI language model, I do not have personal experiences, but I can share some general information.",
        "It is important to note that there are many different factors to consider here.",
        "There are many ways to think about this question and many perspectives on it.",
        "This is a very interesting and complex topic that people often ask about.",
        "In conclusion, it is worth keeping all of the above points in mind going forward.",
        "Ultimately, everything depends on a wide variety of circumstances and considerations.",
    ]
    static let hedges = ["I might be wrong, but", "I am not completely sure, but", "It is hard to say, but perhaps", "Possibly,"]
    static let openers = ["Sure!", "Great question!", "Certainly.", "Of course.", "Here is an answer.", ""]
    static let closers = ["I hope this helps!", "Let me know if you have other questions.", "Good luck!", ""]
    static let refusals = ["I'm sorry, but I can't help with that request.", "Unfortunately I am unable to answer this question.",
                           "I cannot provide that information."]
    static let typos = [("the", "teh"), ("receive", "recieve"), ("which", "wich"), ("because", "becuase"), ("important", "importnat")]

    func templated(_ rng: inout Xoshiro256) -> Sample {
        let contenderNames = (0..<max(2, contenders)).map { "model-\($0 + 1)" }
        // Contender skill shifts the chance of each good part.
        let skill = contenderNames.map { _ in 0.6 * rng.nextGaussian() }
        var result: [PreferencePair] = []
        var margins: [Double?] = []
        var prompt = ""
        var topic = 0
        var slot = 0
        for p in 0..<pairs {
            if p % pairsPerPrompt == 0 {
                topic = rng.nextIndex(below: 5)
                switch topic {
                case 0:
                    slot = rng.nextIndex(below: Self.countries.count)
                    prompt = "What is the capital of \(Self.countries[slot].0)?"
                case 1:
                    slot = rng.nextIndex(below: Self.tasks.count * Self.languages.count)
                    prompt = "How do I \(Self.tasks[slot % Self.tasks.count]) in \(Self.languages[slot / Self.tasks.count])?"
                case 2:
                    slot = rng.nextIndex(below: Self.concepts.count)
                    prompt = "Can you explain \(Self.concepts[slot]) in simple terms?"
                case 3:
                    slot = rng.nextIndex(below: Self.activities.count)
                    prompt = "Give me some tips for \(Self.activities[slot])."
                default:
                    slot = rng.nextIndex(below: Self.foods.count)
                    prompt = "What are the health benefits of \(Self.foods[slot])?"
                }
            }
            let ca = rng.nextIndex(below: contenderNames.count)
            var cb = rng.nextIndex(below: contenderNames.count - 1)
            if cb >= ca { cb += 1 }
            let (a, qa) = answer(topic: topic, slot: slot, skill: skill[ca], &rng)
            let (b, qb) = answer(topic: topic, slot: slot, skill: skill[cb], &rng)
            let aWins = rng.nextUnit() < 1 / (1 + Foundation.exp(qb - qa))
            result.append(PreferencePair(
                prompt: prompt, chosen: aWins ? a : b, rejected: aWins ? b : a,
                chosenContender: contenderNames[aWins ? ca : cb], rejectedContender: contenderNames[aWins ? cb : ca],
                origin: "generated:\(p + 1)"))
            margins.append(aWins ? qa - qb : qb - qa)
            if judgeShare > 0 && rng.nextUnit() < judgeShare {
                let right = rng.nextUnit() < judgeAccuracy
                let judgeA = (qa >= qb) == right
                result.append(PreferencePair(
                    prompt: prompt, chosen: judgeA ? a : b, rejected: judgeA ? b : a,
                    chosenContender: contenderNames[judgeA ? ca : cb], rejectedContender: contenderNames[judgeA ? cb : ca],
                    isJudge: true, origin: "generated-judge:\(p + 1)"))
                margins.append(nil)
            }
        }
        return Sample(pairs: result, trueMargin: margins)
    }

    /// One answer and its latent quality.
    func answer(topic: Int, slot: Int, skill: Double, _ rng: inout Xoshiro256) -> (String, Double) {
        func chance(_ base: Double) -> Bool { rng.nextUnit() < 1 / (1 + Foundation.exp(-(base + skill))) }
        var quality = 0.0
        if rng.nextUnit() < 0.08 / (1 + Foundation.exp(skill)) * 2 {
            let text = Self.refusals[rng.nextIndex(below: Self.refusals.count)]
            return (text, -2.5 + 0.15 * Foundation.log(Double(text.split(separator: " ").count)))
        }
        var parts: [String] = []
        let opener = Self.openers[rng.nextIndex(below: Self.openers.count)]
        if !opener.isEmpty { parts.append(opener) }
        let paddingCount = chance(1.0) ? 0 : 1 + rng.nextIndex(below: 3)
        if paddingCount > 0 { parts.append(Self.padding[0]) }
        quality -= 0.5 * Double(paddingCount)
        let hedged = !chance(0.8)
        if hedged { quality -= 0.6 }
        let hedge = hedged ? Self.hedges[rng.nextIndex(below: Self.hedges.count)] + " " : ""
        switch topic {
        case 0:
            let correct = chance(1.0)
            let capital = correct ? Self.countries[slot].1 : Self.countries[(slot + 1 + rng.nextIndex(below: Self.countries.count - 1)) % Self.countries.count].1
            parts.append("\(hedge)The capital of \(Self.countries[slot].0) is \(capital).")
            if correct { quality += 2 }
        case 1:
            let task = Self.tasks[slot % Self.tasks.count]
            let language = Self.languages[slot / Self.tasks.count]
            parts.append("\(hedge)To \(task) in \(language), use the standard library rather than writing it by hand.")
            if chance(0.3) {
                parts.append("Here is an example:\n```\nresult = \(task.split(separator: " ").first ?? "do")(items)\nprint(result)\n```")
                quality += 0.6
            }
        case 2:
            parts.append("\(hedge)In simple terms, \(Self.concepts[slot]) is a process you can understand through a small everyday example.")
            if chance(0.0) {
                parts.append("For example, think of a jar that fills a little every day until it is full.")
                quality += 0.6
            }
        case 3:
            parts.append("\(hedge)Here are some tips for \(Self.activities[slot]):")
            if chance(0.2) {
                parts.append("- Start with a simple routine.\n- Track your progress.\n- Rest when you need to.")
                quality += 0.6
            }
        default:
            parts.append("\(hedge)\(Self.foods[slot].prefix(1).uppercased() + Self.foods[slot].dropFirst()) are rich in nutrients such as fibre, vitamins and minerals.")
            if chance(0.0) {
                parts.append("For example, a daily serving can support heart health and steady energy.")
                quality += 0.6
            }
        }
        let details = (0..<4).filter { _ in chance(-0.3) }.count
        for _ in 0..<details { parts.append(Self.detailBank[rng.nextIndex(below: Self.detailBank.count)]) }
        quality += 0.45 * Double(details)
        for k in 1..<max(1, paddingCount) { parts.append(Self.padding[k % Self.padding.count]) }
        let closer = Self.closers[rng.nextIndex(below: Self.closers.count)]
        if !closer.isEmpty { parts.append(closer) }
        var text = parts.joined(separator: " ")
        let typoCount = chance(-1.8) ? rng.nextIndex(below: 3) : 0
        var applied = 0
        for _ in 0..<typoCount {
            let (right, wrong) = Self.typos[rng.nextIndex(below: Self.typos.count)]
            if let range = text.range(of: " \(right) ") {
                text.replaceSubrange(range, with: " \(wrong) ")
                applied += 1
            }
        }
        quality -= 0.4 * Double(applied)
        if words > 0 {
            // Longer texts for benchmarks: more details (each +0.45 like the others would skew; these are neutral filler).
            var count = text.split(separator: " ").count
            while count < words {
                let sentence = Self.detailBank[rng.nextIndex(below: Self.detailBank.count)]
                text += " " + sentence
                count += sentence.split(separator: " ").count
            }
        }
        quality += 0.15 * Foundation.log(Double(text.split(separator: " ").count))
        return (text, quality)
    }
}
