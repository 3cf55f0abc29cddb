/// A named judge: an OpenAI-compatible chat-completions endpoint, a model,
/// what to ask it and how, and how hard to push the endpoint.
///
/// The API key is never part of it: `apiKeyEnv` names the environment
/// variable the key is read from when a request is sent. The JSON form
/// (`prefer judge add --file`, and what the store keeps) uses snake_case keys:
///
/// ```json
/// {"name": "gpt4o-mini", "endpoint": "https://api.openai.com/v1", "model": "gpt-4o-mini",
///  "api_key_env": "OPENAI_API_KEY", "mode": "pairwise", "temperature": 0, "max_tokens": 512}
/// ```
public struct JudgeConfiguration: Sendable, Hashable, Codable {
    public var name: String
    /// The base URL as OpenAI's clients take it, e.g. `http://127.0.0.1:8080/v1`;
    /// requests go to `endpoint + "/chat/completions"`.
    public var endpoint: String
    /// The name of the environment variable holding the API key, if the endpoint needs one.
    public var apiKeyEnv: String?
    public var model: String
    public var mode: JudgeMode
    /// The template; nil uses the built-in one for the mode and verdict method.
    public var template: JudgeTemplate?
    /// Criteria judged separately (each in its own request, `{{criterion}}`), besides the overall verdict.
    public var criteria: [String]
    public var sampling: Sampling
    public var limits: Limits
    public var verdictMethod: VerdictMethod
    public var orders: JudgeOrders
    public var flips: FlipPolicy
    /// Outputs per request in rank mode (K).
    public var rankSize: Int

    public struct Sampling: Sendable, Hashable, Codable {
        public var temperature: Double
        public var maxTokens: Int
        public var seed: Int?

        public init(temperature: Double = 0, maxTokens: Int = 512, seed: Int? = 0) {
            self.temperature = temperature
            self.maxTokens = maxTokens
            self.seed = seed
        }

        enum CodingKeys: String, CodingKey {
            case temperature
            case maxTokens = "max_tokens"
            case seed
        }
    }

    public struct Limits: Sendable, Hashable, Codable {
        /// Requests in flight at once.
        public var concurrency: Int
        /// Requests started per minute (nil: no limit).
        public var requestsPerMinute: Int?
        /// Seconds a request may take, answer included.
        public var timeoutSeconds: Double
        /// Retries after a timeout, a 429 or a 5xx (so at most retries + 1 attempts).
        public var retries: Int

        public init(concurrency: Int = 8, requestsPerMinute: Int? = nil, timeoutSeconds: Double = 120, retries: Int = 4) {
            self.concurrency = concurrency
            self.requestsPerMinute = requestsPerMinute
            self.timeoutSeconds = timeoutSeconds
            self.retries = retries
        }

        enum CodingKeys: String, CodingKey {
            case concurrency
            case requestsPerMinute = "requests_per_minute"
            case timeoutSeconds = "timeout_seconds"
            case retries
        }
    }

    public init(
        name: String, endpoint: String, apiKeyEnv: String? = nil, model: String, mode: JudgeMode = .pairwise,
        template: JudgeTemplate? = nil, criteria: [String] = [], sampling: Sampling = Sampling(),
        limits: Limits = Limits(), verdictMethod: VerdictMethod = .text, orders: JudgeOrders = .both,
        flips: FlipPolicy = .tie, rankSize: Int = 4
    ) {
        self.name = name
        self.endpoint = endpoint
        self.apiKeyEnv = apiKeyEnv
        self.model = model
        self.mode = mode
        self.template = template
        self.criteria = criteria
        self.sampling = sampling
        self.limits = limits
        self.verdictMethod = verdictMethod
        self.orders = orders
        self.flips = flips
        self.rankSize = rankSize
    }

    enum CodingKeys: String, CodingKey {
        case name, endpoint
        case apiKeyEnv = "api_key_env"
        case model, mode, template, criteria
        case temperature
        case maxTokens = "max_tokens"
        case seed
        case concurrency
        case requestsPerMinute = "requests_per_minute"
        case timeoutSeconds = "timeout_seconds"
        case retries
        case verdictMethod = "verdict_method"
        case orders, flips
        case rankSize = "rank_size"
    }

    /// Reads the flat JSON form; everything but name, endpoint and model has a default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = JudgeConfiguration(name: "", endpoint: "", model: "")
        name = try c.decode(String.self, forKey: .name)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        apiKeyEnv = try c.decodeIfPresent(String.self, forKey: .apiKeyEnv)
        model = try c.decode(String.self, forKey: .model)
        mode = try c.decodeIfPresent(JudgeMode.self, forKey: .mode) ?? defaults.mode
        template = try c.decodeIfPresent(JudgeTemplate.self, forKey: .template)
        criteria = try c.decodeIfPresent([String].self, forKey: .criteria) ?? []
        sampling = Sampling(
            temperature: try c.decodeIfPresent(Double.self, forKey: .temperature) ?? defaults.sampling.temperature,
            maxTokens: try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? defaults.sampling.maxTokens,
            seed: c.contains(.seed) ? try c.decodeIfPresent(Int.self, forKey: .seed) : defaults.sampling.seed)
        limits = Limits(
            concurrency: try c.decodeIfPresent(Int.self, forKey: .concurrency) ?? defaults.limits.concurrency,
            requestsPerMinute: try c.decodeIfPresent(Int.self, forKey: .requestsPerMinute),
            timeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? defaults.limits.timeoutSeconds,
            retries: try c.decodeIfPresent(Int.self, forKey: .retries) ?? defaults.limits.retries)
        verdictMethod = try c.decodeIfPresent(VerdictMethod.self, forKey: .verdictMethod) ?? defaults.verdictMethod
        orders = try c.decodeIfPresent(JudgeOrders.self, forKey: .orders) ?? defaults.orders
        flips = try c.decodeIfPresent(FlipPolicy.self, forKey: .flips) ?? defaults.flips
        rankSize = try c.decodeIfPresent(Int.self, forKey: .rankSize) ?? defaults.rankSize
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(endpoint, forKey: .endpoint)
        try c.encodeIfPresent(apiKeyEnv, forKey: .apiKeyEnv)
        try c.encode(model, forKey: .model)
        try c.encode(mode, forKey: .mode)
        try c.encodeIfPresent(template, forKey: .template)
        try c.encode(criteria, forKey: .criteria)
        try c.encode(sampling.temperature, forKey: .temperature)
        try c.encode(sampling.maxTokens, forKey: .maxTokens)
        try c.encode(sampling.seed, forKey: .seed)
        try c.encode(limits.concurrency, forKey: .concurrency)
        try c.encodeIfPresent(limits.requestsPerMinute, forKey: .requestsPerMinute)
        try c.encode(limits.timeoutSeconds, forKey: .timeoutSeconds)
        try c.encode(limits.retries, forKey: .retries)
        try c.encode(verdictMethod, forKey: .verdictMethod)
        try c.encode(orders, forKey: .orders)
        try c.encode(flips, forKey: .flips)
        try c.encode(rankSize, forKey: .rankSize)
    }

    /// The template in force: the judge's own, else the built-in one.
    public var effectiveTemplate: JudgeTemplate {
        template ?? .builtIn(mode, method: verdictMethod)
    }

    /// Checks every setting; the error names the one at fault and what it may be.
    public func validate() throws(JudgeError) {
        guard !name.isEmpty, name.count <= 200, !name.contains(where: { $0.isNewline }) else {
            throw .setting("name", "must be 1–200 characters on one line")
        }
        let lower = endpoint.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), endpoint.count > 8 else {
            throw .setting("endpoint", "must be an http:// or https:// base URL such as http://127.0.0.1:8080/v1 (it is \"\(endpoint)\")")
        }
        if let apiKeyEnv {
            guard !apiKeyEnv.isEmpty, apiKeyEnv.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                  !(apiKeyEnv.first?.isNumber ?? true)
            else {
                throw .setting("api_key_env", "must be the name of an environment variable (letters, digits, _), not the key itself")
            }
        }
        guard !model.isEmpty else { throw .setting("model", "must name the model to ask") }
        guard sampling.temperature >= 0, sampling.temperature <= 2 else { throw .setting("temperature", "must be 0–2") }
        guard sampling.maxTokens >= 1, sampling.maxTokens <= 1_000_000 else { throw .setting("max_tokens", "must be at least 1") }
        guard limits.concurrency >= 1, limits.concurrency <= 4096 else { throw .setting("concurrency", "must be 1–4096") }
        if let rpm = limits.requestsPerMinute, rpm < 1 { throw .setting("requests_per_minute", "must be at least 1") }
        guard limits.timeoutSeconds > 0, limits.timeoutSeconds.isFinite else { throw .setting("timeout_seconds", "must be positive") }
        guard limits.retries >= 0, limits.retries <= 20 else { throw .setting("retries", "must be 0–20") }
        guard rankSize >= 2, rankSize <= 26 else { throw .setting("rank_size", "must be 2–26") }
        if verdictMethod == .logprobs && mode != .pairwise {
            throw .setting("verdict_method", "logprobs works in pairwise mode only (this judge's mode is \(mode.rawValue))")
        }
        for criterion in criteria where criterion.isEmpty || criterion.count > 200 {
            throw .setting("criteria", "must be 1–200 characters each")
        }
        try effectiveTemplate.validate(for: mode, method: verdictMethod)
    }

    /// What decides a judge's answers (endpoint, model, sampling, method —
    /// not its name, key or limits), as text: part of every cache key.
    public var answerFingerprint: String {
        "\(endpoint)\u{1F}\(model)\u{1F}\(sampling.temperature)\u{1F}\(sampling.maxTokens)\u{1F}\(sampling.seed.map(String.init) ?? "-")\u{1F}\(verdictMethod.rawValue)"
    }
}
