import Foundation
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import Testing
import TestSupport

/// The SSH layer's production behaviour against a real sshd: every login method and its failure,
/// host-key policies, concurrency, dropped and restarted servers, deadlines, output caps, leaks.
@Suite struct SSHProductionTests {
    func endpoint(_ fixture: SSHFixture, key: String? = nil, passphrase: String? = nil, agent: String? = nil,
                  password: String? = nil, knownHosts: String? = nil, policy: HostKeyPolicy = .strict,
                  maxOutput: Int = 64 * 1024 * 1024) -> SSHEndpoint {
        SSHEndpoint(host: "127.0.0.1", port: fixture.server.port, user: fixture.server.user, privateKeyPath: key,
                    passphrase: passphrase, agentSocket: agent, password: password,
                    knownHostsPath: knownHosts ?? fixture.server.knownHostsPath, hostKeyPolicy: policy,
                    connectTimeout: .seconds(5), maxOutputBytes: maxOutput)
    }

    func loginFails(_ endpoint: SSHEndpoint) async -> String? {
        do {
            _ = try await SSHConnection(endpoint: endpoint).execute("true", timeout: .seconds(10))
            return nil
        } catch let SSHError.authenticationFailed(_, reason) {
            return reason
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test func agentLogin() async throws {
        let fixture = try SSHFixture()
        let socket = fixture.server.directory.appendingPathComponent("agent.sock").path
        // In the foreground (-D) and not through Foundation's Process, which loses track of children
        // that close their inherited descriptors.
        let agent = try TestSSHServer.spawn("/usr/bin/ssh-agent", ["-D", "-a", socket],
                                            log: fixture.server.directory.appendingPathComponent("agent.log").path)
        defer { TestSSHServer.terminate(agent) }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(10_000) }
        var environment = ProcessInfo.processInfo.environment
        environment["SSH_AUTH_SOCK"] = socket
        try Subprocess.run("/usr/bin/ssh-add", [fixture.server.clientKeyPath], environment: environment)
        let result = try await SSHConnection(endpoint: endpoint(fixture, agent: socket)).execute("echo agent", timeout: .seconds(10))
        #expect(result.stdout == Array("agent\n".utf8))
        // An agent without the right key: its identities are listed as refused, then the next method runs.
        try Subprocess.run("/usr/bin/ssh-add", ["-D"], environment: environment)
        let stranger = try fixture.server.generateKey("stranger")
        try Subprocess.run("/usr/bin/ssh-add", [stranger], environment: environment)
        let reason = await loginFails(endpoint(fixture, agent: socket))
        #expect(reason?.hasPrefix("tried ssh-agent: identities refused: ") == true, "\(reason ?? "")")
    }

    @Test func passphraseKeyAndItsFailures() async throws {
        let fixture = try SSHFixture()
        let key = try fixture.server.generateKey("locked", passphrase: "correct horse")
        try fixture.server.authorize(publicKey: key + ".pub")
        let result = try await SSHConnection(endpoint: endpoint(fixture, key: key, passphrase: "correct horse"))
            .execute("echo unlocked", timeout: .seconds(10))
        #expect(result.stdout == Array("unlocked\n".utf8))
        #expect(await loginFails(endpoint(fixture, key: key, passphrase: "wrong")) == "tried key \(key): could not be decrypted: wrong passphrase, or an unsupported format")
        #expect(await loginFails(endpoint(fixture, key: key)) == "tried key \(key): could not be read: it may need a passphrase (PROXMOX_SSH_KEY_PASSPHRASE) or be in an unsupported format")
    }

    @Test func passwordFailureAndEverythingTriedInOneMessage() async throws {
        let fixture = try SSHFixture()
        let stranger = try fixture.server.generateKey("stranger")
        let reason = await loginFails(endpoint(fixture, key: stranger, password: "not-the-password"))
        #expect(reason == "tried key \(stranger): refused by the server: is its public key in ~\(fixture.server.user)/.ssh/authorized_keys?; password: refused by the server")
        #expect(!(reason ?? "").contains("not-the-password"))
    }

    @Test func rsaKeysAreExplained() async throws {
        let fixture = try SSHFixture()
        let key = try fixture.server.generateKey("rsa", type: "rsa")
        try fixture.server.authorize(publicKey: key + ".pub")
        let version = try Subprocess.run("/usr/bin/dpkg-query", ["-W", "-f=${Version}", "libssh2-1"], check: false).stdout
        let reason = await loginFails(endpoint(fixture, key: key))
        if version.hasPrefix("1.10") {
            #expect(reason?.contains("an RSA key: libssh2 1.10") == true, "\(reason ?? "")")
            #expect(reason?.contains("use an ed25519 key") == true)
        } else {
            #expect(reason == nil)  // libssh2 1.11+ signs with rsa-sha2
        }
    }

    @Test func acceptNewAddsTheKeyOnceAndStillRefusesAChange() async throws {
        let fixture = try SSHFixture()
        let knownHosts = fixture.server.directory.appendingPathComponent("fresh/known_hosts").path
        let strict = await { () -> Bool in
            do { _ = try await SSHConnection(endpoint: endpoint(fixture, key: fixture.server.clientKeyPath, knownHosts: knownHosts)).execute("true", timeout: .seconds(10)); return false }
            catch SSHError.unknownHostKey { return true } catch { return false }
        }()
        #expect(strict)
        #expect(!FileManager.default.fileExists(atPath: knownHosts))
        let accepting = endpoint(fixture, key: fixture.server.clientKeyPath, knownHosts: knownHosts, policy: .acceptNew)
        _ = try await SSHConnection(endpoint: accepting).execute("true", timeout: .seconds(10))
        _ = try await SSHConnection(endpoint: accepting).execute("true", timeout: .seconds(10))
        let lines = try String(contentsOfFile: knownHosts, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("[127.0.0.1]:\(fixture.server.port) ssh-ed25519 ") == true)
        // The host changes its key: accept-new refuses, like strict.
        let impostor = try fixture.server.generateKey("impostor")
        let fields = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ")
        try "[127.0.0.1]:\(fixture.server.port) \(fields[0]) \(fields[1])\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        await #expect(throws: SSHError.self) { try await SSHConnection(endpoint: accepting).execute("true", timeout: .seconds(10)) }
    }

    @Test func anECDSAOnlyKnownHostsEntryIsFound() async throws {
        let fixture = try SSHFixture()
        let ecdsaOnly = try fixture.server.writeFile("ecdsa_known_hosts",
            try String(contentsOfFile: fixture.server.knownHostsPath, encoding: .utf8).split(separator: "\n").filter { $0.contains("ecdsa") }.joined(separator: "\n") + "\n")
        let result = try await SSHConnection(endpoint: endpoint(fixture, key: fixture.server.clientKeyPath, knownHosts: ecdsaOnly)).execute("echo ok", timeout: .seconds(10))
        #expect(result.stdout == Array("ok\n".utf8))
    }

    @Test func thirtyTwoConcurrentCommandsOnOneConnection() async throws {
        let fixture = try SSHFixture()
        let connection = fixture.connection()
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<32 {
                group.addTask { String(decoding: try await connection.execute("sleep 0.1; echo \(index)", timeout: .seconds(30)).stdout, as: UTF8.self) }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(outputs == Set((0..<32).map { "\($0)\n" }))
    }

    @Test func killedServerFailsTheCommandThenReconnects() async throws {
        let fixture = try SSHFixture()
        let connection = fixture.connection()
        _ = try await connection.execute("true", timeout: .seconds(10))
        async let running = connection.execute("sleep 5", timeout: .seconds(20))
        try await Task.sleep(for: .milliseconds(300))
        fixture.server.killAll()
        do {
            _ = try await running
            Issue.record("a command survived its server")
        } catch let SSHError.connectionLost(_, reason) {
            #expect(!reason.isEmpty)
        }
        try fixture.server.restart()
        let after = try await connection.execute("echo back", timeout: .seconds(10))
        #expect(after.stdout == Array("back\n".utf8))
    }

    @Test func stoppedAndStartedServerIsRecoveredWhileIdle() async throws {
        let fixture = try SSHFixture()
        let connection = fixture.connection()
        _ = try await connection.execute("true", timeout: .seconds(10))
        fixture.server.killAll()
        try await Task.sleep(for: .milliseconds(200))
        try fixture.server.restart()
        let after = try await connection.execute("echo recovered", timeout: .seconds(10))
        #expect(after.stdout == Array("recovered\n".utf8))
    }

    @Test func aReadIsRetriedOnceAfterALostConnection() async throws {
        let fixture = try SSHFixture()
        let connection = fixture.connection()
        let runner = SSHRunner(connection: connection, timeout: .seconds(20))
        _ = try await connection.execute("true", timeout: .seconds(10))
        /// Runs `command` (which first touches a marker file) and kills the server once it runs.
        func runAndKill(_ name: String, readOnly: Bool) async throws -> Task<CommandOutput, any Error> {
            let marker = fixture.server.directory.appendingPathComponent(name).path
            // The first run waits far longer than the kill can take on a loaded machine (it is killed,
            // never waited for); a repeat finds the marker and answers at once.
            let task = Task { try await runner.run(Command(["sh", "-c", "[ -e \(marker) ] || { touch \(marker); sleep 15; }; echo \(name)"], isReadOnly: readOnly)) }
            // Generous: on a loaded machine the command may start seconds late; killing before it ran
            // would test nothing (it would then run whole on the restarted server).
            for _ in 0..<3000 where !FileManager.default.fileExists(atPath: marker) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(FileManager.default.fileExists(atPath: marker), "\(name) never started")
            fixture.server.killAll()
            try fixture.server.restart()
            return task
        }
        // The server dies while a read runs: the read is repeated on a new connection.
        let listed = try await runAndKill("listed", readOnly: true).value
        #expect(listed.stdoutText == "listed\n")
        // A change is never repeated: its effect is unknown, so it fails.
        let change = try await runAndKill("changed", readOnly: false)
        await #expect(throws: ProxmoxError.self) { try await change.value }
    }

    @Test func aTimeoutEndsTheRemoteProcess() async throws {
        let fixture = try SSHFixture()
        let runner = SSHRunner(connection: fixture.connection(), timeout: .seconds(1))
        let marker = "mcp-proxmox-timeout-\(UInt32.random(in: 0...UInt32.max))"
        await #expect(throws: ProxmoxError.transport("sh did not finish within 1 s and was stopped on the host (PROXMOX_TIMEOUT, or the call's timeout)")) {
            try await runner.run(Command(["sh", "-c", "sleep 30 # \(marker)"], isReadOnly: false))
        }
        let left = try Subprocess.run("/usr/bin/pgrep", ["-f", marker], check: false)
        #expect(left.stdout.isEmpty, "still running on the host: \(left.stdout)")
        // A command that carries its own deadline (a task the call waits for) gets that one instead.
        let long = Command(["sh", "-c", "sleep 2; echo done"], isReadOnly: false, timeout: .seconds(10))
        #expect(runner.commandLine(long) == "timeout -k 5 10 sh -c 'sleep 2; echo done'")
        #expect(try await runner.run(long).stdoutText == "done\n")
    }

    @Test func outputOverTheCapIsRefused() async throws {
        let fixture = try SSHFixture()
        let connection = SSHConnection(endpoint: endpoint(fixture, key: fixture.server.clientKeyPath, maxOutput: 100_000))
        await #expect(throws: SSHError.outputTooLarge(limit: 100_000)) {
            try await connection.execute("head -c 5000000 /dev/zero", timeout: .seconds(20))
        }
        let fine = try await connection.execute("head -c 50000 /dev/zero", timeout: .seconds(20))
        #expect(fine.stdout.count == 50_000)
    }

    @Test func sudoAskingForAPasswordIsExplained() async throws {
        let fixture = try SSHFixture()
        // A stand-in sudo on the session's PATH that asks for a password, as a real one without NOPASSWD does.
        let fakeSudo = fixture.server.directory.appendingPathComponent("bin/sudo").path
        try "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n".write(toFile: fakeSudo, atomically: true, encoding: .utf8)
        chmod(fakeSudo, 0o755)
        let runner = SSHRunner(connection: fixture.connection(), timeout: .seconds(10), sudo: true)
        #expect(runner.commandLine(Command(["qm", "list"], isReadOnly: true)) == "timeout -k 5 10 sudo -n qm list")
        await #expect(throws: ProxmoxError.notStarted("sudo on the host asks for a password: allow \(fixture.server.user) to run pvesh, qm and pct without one (NOPASSWD in sudoers), or log in as root")) {
            try await runner.run(Command(["qm", "list"], isReadOnly: true))
        }
    }

    @Test func thousandCallsLeaveNoDescriptorsBehind() async throws {
        let fixture = try SSHFixture()
        let connection = fixture.connection()
        _ = try await connection.execute("true", timeout: .seconds(10))
        let before = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        for _ in 0..<1000 {
            _ = try await connection.execute("true", timeout: .seconds(10))
        }
        let after = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        #expect(after <= before + 2, "descriptors: \(before) -> \(after)")  // other tests run in parallel
    }
}
