import Synchronization

/// Entries of a list that could not be read. A listing parser skips such an entry instead of
/// failing the whole list (one odd guest must not hide the other 200), and says why here; the
/// engine turns each into a note naming the command, so nothing is dropped silently.
public final class ParseProblems: Sendable {
    private let recorded = Mutex<[String]>([])

    /// The collector of the parse under way; nil outside ``collect(_:)``.
    @TaskLocal static var current: ParseProblems?

    /// Runs `parse` and returns its value with the problems it recorded.
    public static func collect<T>(_ parse: () throws(ParseFailure) -> T) throws(ParseFailure) -> (T, [String]) {
        let problems = ParseProblems()
        let result: Result<T, ParseFailure> = $current.withValue(problems) {
            do throws(ParseFailure) { return .success(try parse()) } catch { return .failure(error) }
        }
        return (try result.get(), problems.recorded.withLock { $0 })
    }

    /// Records that entry `index` (from 0) of a list was skipped, and why: one line naming the field.
    static func skip(_ index: Int, _ failure: ParseFailure) {
        current?.recorded.withLock { $0.append("entry \(index + 1): \(failure.detail)") }
    }

    /// How the note of ``note(_:command:)`` begins.
    public static let notePrefix = "left out "

    /// The note a read carries: how many entries were left out, of which command, and why.
    public static func note(_ skipped: [String], command: Command) -> String {
        let shown = skipped.prefix(5).joined(separator: "; ")
        let more = skipped.count > 5 ? "; and \(skipped.count - 5) more" : ""
        return notePrefix + "\(skipped.count) unreadable entr\(skipped.count == 1 ? "y" : "ies") of `\(command)`: \(shown)\(more)"
    }

    /// Each entry parsed by `row`; an entry `row` cannot read is skipped and recorded.
    static func each<Element, T>(_ entries: [Element], _ row: (Element) throws(ParseFailure) -> T?) -> [T] {
        var values: [T] = []
        values.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            do {
                if let value = try row(entry) { values.append(value) }
            } catch {
                skip(index, error)
            }
        }
        return values
    }
}
