/// Reads a running task's log from where it left off, so that following a long log (a backup's
/// runs to thousands of lines) reads each line once, and keeps its progress.
struct TaskLogFollower {
    let upid: UPID
    /// Lines read so far (the next read starts there).
    private(set) var read = 0
    private(set) var progress = TaskLogProgress()
    /// The last lines read, for the report at the end.
    private(set) var tail: [String] = []
    /// The very last line read (the tail drops empty ones later).
    private(set) var lastLine: String?
    /// Every line read, in order (each read starts where the last one that came back ended).
    private(set) var lines: [String] = []

    init(_ upid: UPID) { self.upid = upid }

    /// Lines asked for per read.
    static let page = 1000

    /// The read of what follows the lines read so far.
    var nextRead: TaskLogRead { TaskLogRead(upid, start: read, limit: Self.page) }

    /// Reads what was added since the last call, returning how many lines came; a failed read
    /// changes nothing (tried again next time).
    @discardableResult
    mutating func advance(_ engine: ProxmoxEngine) async -> Int {
        guard let lines = try? await engine.read(nextRead, transport: .api).value, let last = lines.last else { return 0 }
        take(lines, last)
        return lines.count
    }

    /// What progress to report now: the task's state, the log's latest line and percent.
    func report(state: String, elapsed: Duration) -> TaskProgress {
        TaskProgress(upid: upid.description, state: state, elapsed: elapsed, lastLine: progress.lastLine, percent: progress.percent)
    }

    /// Reads to the end of the log.
    mutating func finish(_ engine: ProxmoxEngine) async {
        while await advance(engine) == Self.page {}
    }

    /// Reads to the end of the log; a failed read is the caller's error (the first read of a wait).
    mutating func finishChecked(_ engine: ProxmoxEngine) async throws {
        while true {
            let lines = try await engine.read(nextRead, transport: .api).value
            guard let last = lines.last else { return }
            take(lines, last)
            if lines.count < Self.page { return }
        }
    }

    private mutating func take(_ page: [TaskLogLine], _ last: TaskLogLine) {
        read = last.n
        let texts = page.map(\.t)
        progress.consume(texts)
        tail = Array((tail + texts).suffix(10))
        lines += texts
        lastLine = last.t
    }

    /// The whole log, once it has been read to the line a finished task ends with.
    var wholeLog: [String]? { endLine == nil ? nil : lines }

    /// The last line read, when it is the line a finished task ends with.
    var endLine: String? { lastLine.flatMap { $0.hasPrefix("TASK ") ? $0 : nil } }

    /// The exit status a task's last log line stands for (UPID.pm `read_status`): `TASK OK` → `OK`,
    /// `TASK WARNINGS: n` → `WARNINGS: n`, `TASK ERROR: text` → text; nil for any other line.
    static func exitStatus(endLine line: String) -> String? {
        if line == "TASK OK" { return "OK" }
        if line.hasPrefix("TASK WARNINGS: "), Int(line.dropFirst("TASK WARNINGS: ".count)) != nil { return String(line.dropFirst(5)) }
        if line.hasPrefix("TASK ERROR: ") { return String(line.dropFirst("TASK ERROR: ".count)) }
        return nil
    }
}
