/// How far a task has come, read from its log as it grows: vzdump's `INFO:  45% (9.1 GiB of
/// 20.0 GiB) in 30s, ...` lines (per guest, restarting at 0% for each guest of a job) and
/// restore's `progress 45% (read ... bytes, duration 3 sec)` lines. A job of several guests
/// counts each finished guest as a whole share, so the overall percent only grows.
public struct TaskLogProgress: Sendable, Equatable {
    /// Guests the backup job names (`starting new backup job: vzdump 100 101 ...`); 1 when unknown.
    public private(set) var guests = 1
    /// Guests whose backup ended (finished or failed).
    public private(set) var finished = 0
    /// Percent of the guest in progress.
    public private(set) var current: Double = 0
    /// Whether any percent line was seen.
    public private(set) var seen = false
    /// The newest non-empty line.
    public private(set) var lastLine: String?

    public init() {}

    /// The whole task's percent (0-100), once the log showed one.
    public var percent: Double? {
        guard seen else { return nil }
        return min(100, (Double(finished) * 100 + current) / Double(max(guests, finished, 1)))
    }

    /// Takes the next lines of the log, in order.
    public mutating func consume(_ lines: [String]) {
        for line in lines where !line.isEmpty {
            lastLine = line
            if let count = Self.jobGuests(line) {
                guests = max(1, count)
            } else if line.hasPrefix("INFO: Finished Backup of VM ") || (line.hasPrefix("ERROR: Backup of VM ") && line.contains(" failed")) {
                finished += 1
                current = 0
            } else if let value = Self.percent(line) {
                current = value
                seen = true
            }
        }
    }

    /// The percent of a progress line: `INFO:  45% (` (vzdump) or `progress 45% (` (restore).
    static func percent(_ line: String) -> Double? {
        var rest = Substring(line)
        if rest.hasPrefix("INFO:") {
            rest = rest.dropFirst(5)
        } else if rest.hasPrefix("progress ") {
            rest = rest.dropFirst(9)
        } else {
            return nil
        }
        rest = rest.drop { $0 == " " }
        let digits = rest.prefix { $0.isNumber }
        guard !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix("% ("), let value = Double(digits), value <= 100 else { return nil }
        return value
    }

    /// How many guests `INFO: starting new backup job: vzdump 100 101 --mode ...` names (as
    /// positional ids, or as `--vmid 100,101`).
    static func jobGuests(_ line: String) -> Int? {
        let marker = "starting new backup job: vzdump"
        guard let range = line.range(of: marker) else { return nil }
        let words = line[range.upperBound...].split(separator: " ")
        if let index = words.firstIndex(of: "--vmid"), index + 1 < words.count {
            return words[index + 1].split(separator: ",").count
        }
        return words.prefix { $0.allSatisfy(\.isNumber) }.count
    }
}
