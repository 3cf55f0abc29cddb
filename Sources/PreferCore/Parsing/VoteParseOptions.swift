/// What `VoteParser` reads from a vote file and which votes it keeps.
public struct VoteParseOptions: Sendable {
    /// The file's layout; nil detects it from the first non-whitespace byte
    /// (`[` JSON array, `{` JSON Lines, anything else CSV).
    public var format: VoteFileFormat?
    /// Extra fields to keep as `VoteTable.attributes`, as text (strings
    /// unescaped, numbers and booleans as written, null as missing).
    public var fields: Set<String>
    /// Keep a vote only if it passes: filters on the same field are OR-ed,
    /// filters on different fields AND-ed.
    public var filters: [FieldFilter]
    /// Drop votes in which `model_a` or `model_b` is one of these contenders.
    public var excluded: Set<String>
    /// Count and skip bad rows instead of failing on the first one.
    public var skipInvalid: Bool
    /// Refuse a row whose two sides are the same contender (by default it
    /// is counted in `VoteParseResult.selfBattles` and skipped: it carries no
    /// information for any model Prefer fits, and LMArena's pipeline drops it).
    public var strict = false
    /// Worker threads for JSON Lines and quote-free CSV; nil uses every core.
    public var threads: Int?
    /// Fields to keep as `VoteTable.numbers` (NaN where missing). A dotted
    /// name that is not itself a field follows the path into nested objects
    /// (`conv_metadata.header_count_a`); an object or array found is summed
    /// (`NestedNumbers`).
    public var numbers: Set<String> = []
    /// Text fields measured into number columns while parsing (`MeasuredField`).
    public var measures: [MeasuredField] = []

    public init(
        format: VoteFileFormat? = nil,
        fields: Set<String> = [],
        filters: [FieldFilter] = [],
        excluded: Set<String> = [],
        skipInvalid: Bool = false,
        threads: Int? = nil
    ) {
        self.format = format
        self.fields = fields
        self.filters = filters
        self.excluded = excluded
        self.skipInvalid = skipInvalid
        self.threads = threads
    }
}
