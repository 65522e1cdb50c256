import Foundation

/// A real OpenSSH `sshd` for the tests: 127.0.0.1 on a free port, throwaway host and client keys,
/// the project's simulator installed as `pvesh`, `qm` and `pct` on the session's PATH, its state in
/// a file of its own. Runs as whoever runs the tests: as root it logs in as root, as an ordinary
/// user it runs unprivileged on a high port and logs in as that user.
public final class TestSSHServer: @unchecked Sendable {
    /// Folder holding keys, config, state and log; removed by ``stop()``.
    public let directory: URL
    public let port: Int
    public let user: String
    /// Client private key (ed25519) whose public half is authorised.
    public let clientKeyPath: String
    /// known_hosts listing this server's ed25519 and ecdsa host keys for `[127.0.0.1]:port`.
    public let knownHostsPath: String
    /// The simulator's state file (`PVE_SIM_STATE` in every session).
    public let statePath: String
    /// Host key public files, for fingerprint checks.
    public let hostKeyPublicPaths: [String]
    private var pid: pid_t
    /// The loopback address sshd listens on.
    public let listenAddress: String

    /// Every argv the simulator received, one JSON array per line (`PVE_SIM_ARGV_LOG`).
    public let argvLogPath: String

    /// Starts sshd and waits until it accepts connections.
    /// - Parameters:
    ///   - node: the node this host plays (`PVE_SIM_NODE`: where its qm/pct act).
    ///   - sharedStatePath: the state file of another test host, to play another node of the same cluster.
    ///   - clientKey: a client key pair (path of the private key) to authorise instead of a new one.
    ///   - simulatorEnvironment: more variables for every session (e.g. `PVE_SIM_STARTUP_MS`, the host-cost model).
    ///   - listenAddress: the loopback address it listens on (a jump-host test puts the inner host on 127.0.0.2).
    ///   - logLevel: sshd's LogLevel (a bastion's DEBUG1 log shows each forwarded connection).
    ///   - allowForwarding: `AllowTcpForwarding` (a bastion that refuses to forward, for the negative case).
    ///   - maxSessions: sshd's `MaxSessions` (channels per connection; default sshd's own, 10).
    public init(simulatorBinary: String, node: String = "pve1", sharedStatePath: String? = nil,
                clientKey: String? = nil, simulatorEnvironment: [String: String] = [:], listenAddress: String = "127.0.0.1",
                logLevel: String = "ERROR", allowForwarding: Bool = true, maxSessions: Int? = nil) throws {
        self.listenAddress = listenAddress
        let base = try Self.makeTemporaryDirectory()
        directory = base
        user = Self.currentUser()
        let path = { (name: String) in base.appendingPathComponent(name).path }
        clientKeyPath = clientKey ?? path("client_ed25519")
        knownHostsPath = path("known_hosts")
        statePath = sharedStatePath ?? path("pve-sim-state.json")
        argvLogPath = path("argv.log")

        let keygen = "/usr/bin/ssh-keygen"
        for (file, type) in [("host_ed25519", "ed25519"), ("host_ecdsa", "ecdsa")] + (clientKey == nil ? [("client_ed25519", "ed25519")] : []) {
            try Subprocess.run(keygen, ["-q", "-t", type, "-N", "", "-C", "test-\(file)", "-f", path(file)])
        }
        hostKeyPublicPaths = [path("host_ed25519.pub"), path("host_ecdsa.pub")]
        try FileManager.default.copyItem(atPath: clientKeyPath + ".pub", toPath: path("authorized_keys"))

        let binDirectory = base.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: binDirectory, withIntermediateDirectories: true)
        for tool in ["pvesh", "qm", "pct", "pveversion", "vzdump", "qmrestore"] {
            try FileManager.default.createSymbolicLink(atPath: binDirectory.appendingPathComponent(tool).path,
                                                       withDestinationPath: simulatorBinary)
        }
        if getuid() == 0 {
            // sshd insists on its privilege-separation directory when started as root.
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
        }

        // SHLVL=1 below: bash sources ~/.bashrc for commands run over SSH only in a top-level shell
        // (shell.c, run_by_ssh && shell_level < 2); with SHLVL=1 it starts at level 2, so the
        // machine's own .bashrc (pyenv, conda, ...) neither slows nor pollutes the tests.
        var lastError = "sshd did not start"
        for _ in 0..<5 {
            let port = try Self.freePort()
            let config = """
                Port \(port)
                ListenAddress \(listenAddress)
                AllowTcpForwarding \(allowForwarding ? "yes" : "no")
                HostKey \(path("host_ed25519"))
                HostKey \(path("host_ecdsa"))
                PidFile \(path("sshd.pid"))
                AuthorizedKeysFile \(path("authorized_keys"))
                StrictModes no
                PubkeyAuthentication yes
                PasswordAuthentication yes
                KbdInteractiveAuthentication no
                UsePAM no
                PermitRootLogin prohibit-password
                LogLevel \(logLevel)
                \(maxSessions.map { "MaxSessions \($0)" } ?? "")
                SetEnv SHLVL=1 PATH=\(binDirectory.path):/usr/local/bin:/usr/bin:/bin PVE_SIM_STATE=\(statePath) PVE_SIM_NODE=\(node) PVE_SIM_ARGV_LOG=\(argvLogPath)\(simulatorEnvironment.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined())

                """
            try config.write(toFile: path("sshd_config"), atomically: true, encoding: .utf8)
            try Subprocess.run("/usr/sbin/sshd", ["-t", "-f", path("sshd_config")])
            // Not Foundation's Process: sshd closes the descriptors it inherits, which Process on
            // Linux takes for the child's exit, after which it blocks in waitpid and stops
            // reaping every later child of the test process.
            let sshd = try Self.spawn("/usr/sbin/sshd", ["-D", "-e", "-f", path("sshd_config")], log: path("sshd.log"))
            if Self.waitForListener(port: port, pid: sshd, address: listenAddress) {
                self.port = port
                self.pid = sshd
                var knownHosts = ""
                for file in hostKeyPublicPaths {
                    let fields = try String(contentsOfFile: file, encoding: .utf8).split(separator: " ")
                    knownHosts += "[\(listenAddress)]:\(port) \(fields[0]) \(fields[1])\n"
                }
                try knownHosts.write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
                return
            }
            Self.terminate(sshd)
            lastError = (try? String(contentsOfFile: path("sshd.log"), encoding: .utf8)) ?? lastError
        }
        throw TestSetupError("sshd did not start: \(lastError)")
    }

    /// Stops sshd and removes the folder.
    public func stop() {
        if pid > 0 {
            Self.terminate(pid)
            pid = 0
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Kills sshd and every session it runs (as a crash or a host going down would), leaving the port closed.
    public func killAll() {
        guard pid > 0 else { return }
        // Until none is left: a session may be forking (shell, command) while the tree is read.
        for _ in 0..<20 {
            let children = Self.descendants(of: pid).filter { !Self.isZombie($0) }
            if children.isEmpty { break }
            for child in children { kill(child, SIGKILL) }
            usleep(5_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
    }

    /// Stops (SIGSTOP) sshd and every session it runs: connections stay open but nothing answers,
    /// as with a frozen host or a dead link. ``thaw()`` resumes them.
    public func freeze() {
        guard pid > 0 else { return }
        kill(pid, SIGSTOP)
        for child in Self.descendants(of: pid) { kill(child, SIGSTOP) }
    }

    /// Resumes what ``freeze()`` stopped.
    public func thaw() {
        guard pid > 0 else { return }
        for child in Self.descendants(of: pid) { kill(child, SIGCONT) }
        kill(pid, SIGCONT)
    }

    /// Whether a process started through this sshd (other tests run their own) still runs a
    /// command line containing `text`. A command whose session ended is reparented and no longer a
    /// descendant, so this host's sessions are found by their `PVE_SIM_STATE` instead.
    public func isRunning(commandContaining text: String) -> Bool {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let process = pid_t(entry), !Self.isZombie(process),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty else { continue }
            let line = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            guard line.contains(text), let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            if environment.split(separator: 0).contains(where: { Array($0) == Array("PVE_SIM_STATE=\(statePath)".utf8) }) { return true }
        }
        return false
    }

    /// Starts sshd again on the same port with the same keys (after ``killAll()`` or ``stop()``).
    public func restart() throws {
        let config = directory.appendingPathComponent("sshd_config").path
        pid = try Self.spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], log: directory.appendingPathComponent("sshd.log").path)
        guard Self.waitForListener(port: port, pid: pid, address: listenAddress) else { throw TestSetupError("sshd did not start again") }
    }

    /// Puts every authorised key behind a forced command (`command="...",restrict`), as a guarded
    /// Proxmox host has it: sshd runs `command` for every exec, with `SSH_ORIGINAL_COMMAND` set.
    public func forceCommand(_ command: String) throws {
        let file = directory.appendingPathComponent("authorized_keys")
        let keys = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }
        let guarded = keys.map { "command=\"\(command)\",restrict \($0)" }.joined(separator: "\n") + "\n"
        try guarded.write(to: file, atomically: true, encoding: .utf8)
    }

    /// Authorises another public key for logins.
    public func authorize(publicKey path: String) throws {
        let key = try String(contentsOfFile: path, encoding: .utf8)
        let file = directory.appendingPathComponent("authorized_keys")
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        handle.write(Data(key.utf8))
        try handle.close()
    }

    static func isZombie(_ process: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(process)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }

    /// Processes below `root`, from /proc.
    static func descendants(of root: pid_t) -> [pid_t] {
        var parents: [pid_t: pid_t] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let process = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parents[process] = parent }
        }
        var result: [pid_t] = []
        var frontier = [root]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            result += children
            frontier += children
        }
        return result
    }

    /// `ssh-keygen -lf` of a public key: `SHA256:…`.
    public func fingerprint(ofPublicKey path: String) throws -> String {
        let output = try Subprocess.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", path]).stdout
        return String(output.split(separator: " ")[1])
    }

    /// The environment `mcp-proxmox-admin serve` reads to reach this server, on top of `base`.
    public func serveEnvironment(base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = base
        environment["PROXMOX_HOST"] = "127.0.0.1"
        environment["PROXMOX_SSH_PORT"] = String(port)
        environment["PROXMOX_SSH_USER"] = user
        environment["PROXMOX_SSH_KEY_PATH"] = clientKeyPath
        environment["PROXMOX_SSH_KNOWN_HOSTS"] = knownHostsPath
        return environment
    }

    /// The argv lists the simulator received so far.
    public func receivedArgv() throws -> [[String]] {
        guard let text = try? String(contentsOfFile: argvLogPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            try JSONDecoder().decode([String].self, from: Data(line.utf8))
        }
    }

    /// Removes one of the fake Proxmox programs from the session's PATH (to test a missing tool).
    public func removeProgram(_ name: String) throws {
        try FileManager.default.removeItem(atPath: directory.appendingPathComponent("bin").appendingPathComponent(name).path)
    }

    /// Writes a file in the server's folder and returns its path.
    public func writeFile(_ name: String, _ contents: String) throws -> String {
        let file = directory.appendingPathComponent(name).path
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Generates another ed25519 key pair in the server's folder; returns the private key's path.
    public func generateKey(_ name: String, type: String = "ed25519", passphrase: String = "") throws -> String {
        let file = directory.appendingPathComponent(name).path
        try Subprocess.run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", passphrase, "-f", file])
        return file
    }

    private static func currentUser() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }

    private static func makeTemporaryDirectory() throws -> URL {
        var template = Array("/tmp/mcp-proxmox-sshd-XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else { throw TestSetupError("mkdtemp failed") }
        return URL(fileURLWithPath: String(cString: result))
    }

    /// A port the kernel just handed out on 127.0.0.1 (free at that moment; sshd start is retried if taken).
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("socket failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("cannot bind 127.0.0.1:0") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts a program with stdin from /dev/null and stdout/stderr appended to `log`.
    public static func spawn(_ executable: String, _ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The calling thread may block signals (Dispatch's threads do); the child must not inherit that.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else { throw TestSetupError("cannot start \(executable): \(String(cString: strerror(status)))") }
        return pid
    }

    /// SIGTERM, then SIGKILL if it has not exited within 2 s; reaps it.
    public static func terminate(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<200 {
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    private static func isRunning(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    static func waitForListener(port: Int, pid: pid_t, address listen: String = "127.0.0.1") -> Bool {
        for _ in 0..<200 {
            guard isRunning(pid) else { return false }
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr(listen)
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(descriptor)
            if connected { return true }
            usleep(25_000)
        }
        return false
    }
}
