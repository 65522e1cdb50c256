import Synchronization

/// What a change reports while it waits for its Proxmox task: sent to the MCP client as progress
/// notifications when the request asked for them.
public struct TaskProgress: Sendable, Equatable {
    /// The task, once known (found among the guest's active tasks, or printed by pvesh).
    public var upid: String?
    /// `running`, or `stopped` at the end.
    public var state: String
    /// Time since the command started.
    public var elapsed: Duration
    /// The task log's latest line, when there is one.
    public var lastLine: String?
    /// How far the task is, 0-100, when its log tells (backups, restores).
    public var percent: Double?

    public init(upid: String?, state: String, elapsed: Duration, lastLine: String?, percent: Double? = nil) {
        self.upid = upid
        self.state = state
        self.elapsed = elapsed
        self.lastLine = lastLine
        self.percent = percent
    }

    /// One line for people: `running 3 s (UPID:…): last log line`.
    public var message: String {
        let seconds = Int(elapsed / .seconds(1))
        var text = "\(state) \(seconds) s"
        if let percent { text += ", \(Int(percent))%" }
        if let upid { text += " (\(upid))" }
        if let lastLine { text += ": \(lastLine)" }
        return text
    }
}

/// Receives progress while an operation waits.
public typealias ProgressHandler = @Sendable (TaskProgress) async -> Void

/// The task of an operation in flight, once seen: by the progress watcher or from pvesh's output.
/// Read when the call is cancelled, to name the task that continues.
final class TaskSighting: Sendable {
    private let seen = Mutex<UPID?>(nil)

    var upid: UPID? {
        get { seen.withLock { $0 } }
        set { seen.withLock { $0 = newValue } }
    }
}
