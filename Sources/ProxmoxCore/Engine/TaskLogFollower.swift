/// Reads a running task's log from where it left off, so that following a long log (a backup's
/// runs to thousands of lines) reads each line once, and keeps its progress.
struct TaskLogFollower {
    let upid: UPID
    /// Lines read so far (the next read starts there).
    private(set) var read = 0
    private(set) var progress = TaskLogProgress()
    /// The last lines read, for the report at the end.
    private(set) var tail: [String] = []

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
        read = last.n
        progress.consume(lines.map(\.t))
        tail = Array((tail + lines.map(\.t)).suffix(10))
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
}
