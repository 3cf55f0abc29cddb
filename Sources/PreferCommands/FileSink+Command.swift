import PreferStore

extension FileSink {
    /// A sink for a command's `--out`: its failure is the command's error
    /// ("cannot write PATH: check that its folder exists and is writable.").
    static func forCommand(_ path: String) throws -> FileSink {
        do {
            return try FileSink(path: path)
        } catch let error as StoreError {
            throw CommandError(error.message)
        }
    }
}
