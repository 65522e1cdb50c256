import Foundation
import ProxmoxCore

/// What one simulated command runs with: the state, its environment, and the clock.
struct SimulationContext {
    let store: StateStore
    let environment: [String: String]

    /// Unix time; `PVE_SIM_CLOCK` pins it for reproducible output.
    var now: Int64 {
        if let text = environment["PVE_SIM_CLOCK"], let value = Int64(text) { return value }
        return Int64(Date().timeIntervalSince1970)
    }

    /// Faults from the state file, plus those in `PVE_SIM_FAULTS` (JSON).
    func faults(_ cluster: SimulatedCluster) -> SimulatedFaults {
        guard let text = environment["PVE_SIM_FAULTS"], !text.isEmpty,
              let extra = try? JSONDecoder().decode(SimulatedFaults.self, from: Data(text.utf8))
        else { return cluster.faults }
        return cluster.faults.merged(with: extra)
    }

    /// The node qm/pct run on, and the node pvesh answers as "local".
    func localNode(_ cluster: SimulatedCluster) -> String {
        cluster.localNode(environment: environment)?.name ?? "pve1"
    }
}

/// A worker (Proxmox task) ready to run: what it is, and what it does when it runs.
struct Worker {
    let type: String
    let id: String
    let node: String
    /// Guest whose config lock the worker takes (for lock-contention chatter).
    let vmid: Int?
    /// The work; its log lines, or a failure that becomes the task's error.
    let body: (inout SimulatedCluster) throws(CLIFailure) -> [String]
    /// Log lines that appear one by one while a slow task runs (the start of the log its body
    /// returns): vzdump's and restore's progress.
    var running: [String] = []
    /// Guests locked for as long as the task runs (`lock: backup` while vzdump runs).
    var locks: [(vmid: Int, name: String)] = []
    /// The error the task ends with after its body ran and its changes were kept (a backup job
    /// where one guest failed: the other archives stay, the task ends `job errors`).
    var failure: String?

    init(type: String, id: String, node: String, vmid: Int?, running: [String] = [], locks: [(vmid: Int, name: String)] = [],
         body: @escaping (inout SimulatedCluster) throws(CLIFailure) -> [String]) {
        self.type = type
        self.id = id
        self.node = node
        self.vmid = vmid
        self.body = body
        self.running = running
        self.locks = locks
    }
}

/// How a worker ended.
struct WorkerOutcome {
    let upid: UPID
    let log: [String]
    let error: String?
    /// `trying to acquire lock...` / ` OK` when the guest's lock was contended.
    let lockChatter: String

    /// What the CLI prints on stderr: the lock chatter, then the task's error.
    var stderr: String { lockChatter + (error.map { $0 + "\n" } ?? "") }

    /// The output of qm, pct, vzdump or qmrestore, which run the worker in the foreground: its log
    /// on stdout, and exit 255 when the task failed.
    var foregroundOutput: CommandOutput {
        CommandOutput(stdout: Array(log.map { $0 + "\n" }.joined().utf8), stderr: Array(stderr.utf8), exitStatus: error == nil ? 0 : 255)
    }
}

extension SimulatedCluster {
    /// Takes or releases the locks a worker holds while it runs.
    mutating func setLocks(_ locks: [(vmid: Int, name: String)], on: Bool) {
        for (vmid, name) in locks {
            guard let index = guests.firstIndex(where: { $0.vmid == vmid }) else { continue }
            if on { guests[index].lock = name } else if guests[index].lock == name { guests[index].lock = nil }
        }
    }
}

extension SimulationContext {
    /// Runs a worker as the Proxmox CLI does: synchronously. Checks that fail before the worker
    /// starts throw (no task exists); failures inside it end the task with an error.
    func runWorker(_ prepare: (inout SimulatedCluster) throws(CLIFailure) -> Worker) throws -> WorkerOutcome {
        var pending: (worker: Worker, upid: UPID, slow: Double, chatter: String)?
        var finished: WorkerOutcome?
        try store.modify { cluster in
            let worker: Worker
            do { worker = try prepare(&cluster) } catch { throw error }
            let faults = faults(cluster)
            let pid = cluster.nextPid
            cluster.nextPid += 1 + Int(now % 7)
            let upid = UPID(node: worker.node, pid: pid, pstart: 29_677_030 + (pid % 4096) * 113,
                            starttime: Int(now), type: worker.type, id: worker.id, user: "root@pam")
            cluster.tasks.append(SimulatedTask(upid: upid, status: "running", exitstatus: nil, endtime: nil, log: []))
            cluster.setLocks(worker.locks, on: true)
            let chatter = worker.vmid.map { faults.contendedLocks.contains($0) } == true ? "trying to acquire lock...\n OK\n" : ""
            let slow = faults.taskValue(faults.slowTasks, type: worker.type, id: worker.id) ?? 0
            if slow > 0 {
                pending = (worker, upid, slow, chatter)
            } else {
                finished = finish(worker, upid: upid, chatter: chatter, in: &cluster)
            }
        }
        if let finished { return finished }
        guard let (worker, upid, seconds, chatter) = pending else { fatalError("worker neither finished nor pending") }
        // A slow task: stay `running` (visible to other commands) until the time is up or it is
        // stopped, its running lines appearing in its log as time passes.
        let started = Date()
        let deadline = started.addingTimeInterval(seconds)
        var shown = 0
        while Date() < deadline {
            Thread.sleep(forTimeInterval: min(0.1, max(0, deadline.timeIntervalSinceNow)))
            let due = min(worker.running.count, Int(Double(worker.running.count) * Date().timeIntervalSince(started) / seconds))
            let stopped = try store.modify { cluster -> Bool in
                guard let index = cluster.tasks.firstIndex(where: { $0.upid == upid }) else { return true }
                if due > shown, cluster.tasks[index].status == "running" {
                    cluster.tasks[index].log.append(contentsOf: worker.running[shown..<due])
                    shown = due
                }
                return cluster.tasks[index].status == "stopped"
            }
            if stopped { break }
        }
        return try store.modify { cluster in finish(worker, upid: upid, chatter: chatter, in: &cluster) }
    }

    private func finish(_ worker: Worker, upid: UPID, chatter: String,
                        in cluster: inout SimulatedCluster) -> WorkerOutcome {
        cluster.setLocks(worker.locks, on: false)
        guard let index = cluster.tasks.firstIndex(where: { $0.upid == upid }) else {
            return WorkerOutcome(upid: upid, log: [], error: "task vanished", lockChatter: chatter)
        }
        if cluster.tasks[index].status == "stopped" {
            // Stopped from outside (DELETE /nodes/{node}/tasks/{upid}): the work never finished.
            return WorkerOutcome(upid: upid, log: cluster.tasks[index].log.dropLast().map { $0 }, error: cluster.tasks[index].exitstatus,
                                 lockChatter: chatter)
        }
        var log: [String] = []
        var error: String?
        let faults = faults(cluster)
        if let message = faults.taskValue(faults.failingTasks, type: worker.type, id: worker.id) {
            error = message
        } else {
            var attempt = cluster
            do {
                log = try worker.body(&attempt)
                cluster = attempt
                error = worker.failure
            } catch {
                let message = error.stderr.trimmingCharacters(in: .newlines)
                return record(upid: upid, log: [], error: message, chatter: chatter, in: &cluster)
            }
        }
        return record(upid: upid, log: log, error: error, chatter: chatter, in: &cluster)
    }

    private func record(upid: UPID, log: [String], error: String?, chatter: String,
                        in cluster: inout SimulatedCluster) -> WorkerOutcome {
        guard let index = cluster.tasks.firstIndex(where: { $0.upid == upid }) else {
            return WorkerOutcome(upid: upid, log: log, error: error, lockChatter: chatter)
        }
        cluster.tasks[index].status = "stopped"
        cluster.tasks[index].exitstatus = error ?? "OK"
        cluster.tasks[index].endtime = now
        cluster.tasks[index].log = log + [error.map { "TASK ERROR: \($0)" } ?? "TASK OK"]
        // Keep the task list bounded, like the rotated task index.
        if cluster.tasks.count > 500 { cluster.tasks.removeFirst(cluster.tasks.count - 500) }
        return WorkerOutcome(upid: upid, log: log, error: error, lockChatter: chatter)
    }
}
