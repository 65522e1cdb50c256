import Foundation
import Logging
import ProxmoxCore
import SSHClient

/// One line of `doctor`'s table.
public struct DoctorCheck: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pass = "PASS"
        case fail = "FAIL"
        /// Works, but worth fixing; does not fail `doctor`.
        case warn = "WARN"
        /// Not tried: an earlier check it needs failed.
        case skip = "SKIP"
    }

    public let name: String
    public let status: Status
    /// What was found.
    public let detail: String
    /// What to do about a failure.
    public let fix: String?
}

/// `mcp-proxmox-admin doctor`: the effective configuration with the source of every value
/// (secrets masked), then the checks a first connection needs, in the order they depend on each
/// other. Nothing here changes the host: every command is a read.
public enum Doctor {
    /// Shell start-up slower than this makes every tool call noticeably slow (a warning).
    public static let slowShell = Duration.milliseconds(150)
    /// Shell start-up slower than this fails the check.
    public static let verySlowShell = Duration.seconds(1)

    /// The effective configuration as a table: key, value, source.
    public static func configurationTable(_ configuration: Configuration) -> String {
        var rows: [(String, String, String)] = [("setting", "value", "source")]
        for setting in SettingCatalog.all {
            guard let entry = configuration.entries[setting.key] else {
                if setting.key == "sshKeyPath" {
                    // The default is whichever of OpenSSH's default keys exists.
                    let found = ConnectionSettings(configuration, environment: [:]).endpoint.privateKeyPath
                    rows.append((setting.key, found ?? "(none: no ~/.ssh/id_ed25519 or ~/.ssh/id_ecdsa)", found == nil ? "" : "default"))
                    continue
                }
                rows.append((setting.key, "(unset)", ""))
                continue
            }
            let value = setting.isSecret ? "*** (set)" : entry.value
            rows.append((setting.key, value, entry.source.describe(setting)))
        }
        let width0 = rows.map(\.0.count).max() ?? 0
        let width1 = min(48, rows.map(\.1.count).max() ?? 0)
        var text = ""
        if let file = configuration.configFile { text += "config file: \(file)\n" }
        if let file = configuration.dotEnvFile { text += ".env file: \(file)\n" }
        for (key, value, source) in rows {
            text += key.padding(toLength: width0 + 2, withPad: " ", startingAt: 0)
                + value.padding(toLength: max(width1, value.count) + 2, withPad: " ", startingAt: 0) + source + "\n"
        }
        return text
    }

    /// Runs every check against the configured host. `environment` supplies `SSH_AUTH_SOCK`;
    /// `slowShell` is the start-up time from which the shell check warns, `verySlowShell` the one
    /// from which it fails.
    public static func run(_ configuration: Configuration, environment: [String: String],
                           slowShell: Duration = Doctor.slowShell, verySlowShell: Duration = Doctor.verySlowShell) async -> [DoctorCheck] {
        var checks = [settingsFiles(configuration)]
        let settings = ConnectionSettings(configuration, environment: environment)
        let endpoint = settings.endpoint
        if endpoint.jumps.isEmpty {
            let reachable = reachability(endpoint)
            checks.append(reachable)
            if reachable.status == .fail { return checks + skipped(after: "host reachable") }
        } else {
            // Behind jump hosts the host is only reachable through them: each hop is checked in
            // turn (reached through the ones before it), and the first that fails is named.
            for (index, hop) in endpoint.jumps.enumerated() {
                var through = hop
                through.jumps = Array(endpoint.jumps.prefix(index))
                let connection = SSHConnection(endpoint: through, logger: Logger(label: "doctor"))
                defer { connection.close() }
                let login = await loginChecks(connection)
                guard login.allSatisfy({ $0.status == .pass }) else {
                    let failed = login.first { $0.status == .fail }!
                    checks.append(DoctorCheck(name: "host reachable", status: .fail,
                                              detail: "jump host \(index + 1) of \(endpoint.jumps.count) (\(hop.display)): \(failed.detail)",
                                              fix: "check proxyJump; \(failed.fix ?? "")"))
                    return checks + skipped(after: "host reachable")
                }
            }
            checks.append(DoctorCheck(name: "host reachable", status: .pass,
                                      detail: "through \(endpoint.jumps.map(\.display).joined(separator: ", ")) (each logged in)", fix: nil))
        }
        let connection = SSHConnection(endpoint: endpoint, logger: Logger(label: "doctor"))
        defer { connection.close() }
        let login = await loginChecks(connection)
        checks += login
        guard login.allSatisfy({ $0.status == .pass }) else { return checks + skipped(after: login.last?.name ?? "host key") }
        checks += await hostChecks(connection, sudo: settings.sudo, slowShell: slowShell, verySlowShell: verySlowShell)
        return checks
    }

    /// TCP to the host, and to each of its fallback addresses (`hosts`): one unreachable address of
    /// several is a warning, all of them a failure.
    static func reachability(_ endpoint: SSHEndpoint) -> DoctorCheck {
        var up: [String] = []
        var down: [String] = []
        for address in endpoint.addresses {
            do {
                try endpoint.at(address).probeReachable()
                up.append(address.description)
            } catch {
                down.append(error.description)
            }
        }
        let fix = "check host, hosts and sshPort, that sshd runs there, and that no firewall blocks the port"
        if up.isEmpty { return DoctorCheck(name: "host reachable", status: .fail, detail: down.joined(separator: "; "), fix: fix) }
        if !down.isEmpty {
            return DoctorCheck(name: "host reachable", status: .warn, detail: "\(up.joined(separator: ", ")) answers; \(down.joined(separator: "; "))",
                               fix: fix)
        }
        return DoctorCheck(name: "host reachable", status: .pass, detail: "\(up.joined(separator: ", ")) accept\(up.count == 1 ? "s" : "") TCP connections", fix: nil)
    }

    /// The table of checks, each failure with its fix.
    public static func render(_ checks: [DoctorCheck]) -> String {
        let width = (checks.map(\.name.count).max() ?? 0) + 2
        var text = ""
        for check in checks {
            text += "\(check.status.rawValue)  \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))\(check.detail)\n"
            if let fix = check.fix, check.status == .fail || check.status == .warn {
                text += String(repeating: " ", count: 6 + width) + "fix: \(fix)\n"
            }
        }
        return text
    }

    // MARK: Checks

    static let order = ["settings files", "host reachable", "host key", "authentication", "host guard", "pvesh, qm, pct", "pveversion",
                        "permissions", "cluster files", "shell start-up"]

    static func skipped(after name: String) -> [DoctorCheck] {
        order.drop { $0 != name }.dropFirst().map {
            DoctorCheck(name: $0, status: .skip, detail: "needs the checks above", fix: nil)
        }
    }

    static func settingsFiles(_ configuration: Configuration) -> DoctorCheck {
        let files = [configuration.configFile, configuration.dotEnvFile].compactMap { $0 }
        if let exposed = configuration.exposedFiles.first {
            return DoctorCheck(name: "settings files", status: .fail, detail: "\(exposed) is readable by group or others",
                               fix: "chmod 600 \(configuration.exposedFiles.joined(separator: " "))")
        }
        return DoctorCheck(name: "settings files", status: .pass,
                           detail: files.isEmpty ? "none (flags and environment only)" : "\(files.joined(separator: ", ")) readable by the owner only",
                           fix: nil)
    }

    /// Host key and authentication: both decided by the first command.
    static func loginChecks(_ connection: SSHConnection) async -> [DoctorCheck] {
        let endpoint = connection.endpoint
        let hostKeyFine = DoctorCheck(name: "host key", status: .pass, detail: "matches \(endpoint.knownHostsPath)", fix: nil)
        do {
            _ = try await connection.execute("true", timeout: .seconds(30))
            return [hostKeyFine, DoctorCheck(name: "authentication", status: .pass, detail: "logged in as \(endpoint.user)", fix: nil)]
        } catch let error as SSHError {
            if case .authenticationFailed = error {
                return [hostKeyFine, DoctorCheck(
                    name: "authentication", status: .fail, detail: error.description,
                    fix: "check sshUser (\(endpoint.user)), that the public key of sshKeyPath is in that user's ~/.ssh/authorized_keys on the host (ssh-copy-id), sshKeyPassphrase, or sshPassword; use an ed25519 key (RSA needs libssh2 1.11)")]
            }
            let fix = switch error {
            case .unknownHostKey:
                "compare the fingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host's console, then add the line above to \(endpoint.knownHostsPath) (or set sshHostKeyPolicy accept-new for the first contact)"
            case .hostKeyMismatch:
                "if the host was reinstalled, check its new key on the console, then `ssh-keygen -R '[\(endpoint.host)]:\(endpoint.port)' -f \(endpoint.knownHostsPath)` and add the new line; otherwise do not connect"
            case .knownHostsUnreadable:
                "set sshKnownHosts to a readable known_hosts file holding the host's key (ssh-keyscan -t ed25519 \(endpoint.host) >> file, after checking the fingerprint)"
            case .handshakeFailed:
                "the host's sshd must offer an ed25519 or ecdsa host key (libssh2 1.10 cannot verify RSA host keys with SHA-2)"
            default:
                "check that the port is the host's sshd (sshPort) and try again"
            }
            return [DoctorCheck(name: "host key", status: .fail, detail: error.description, fix: fix)]
        } catch {
            return [DoctorCheck(name: "host key", status: .fail, detail: "\(error)", fix: "try again; report it if it persists")]
        }
    }

    /// The Proxmox tools, the version, the rights, and the shell's start-up time.
    static func hostChecks(_ connection: SSHConnection, sudo: Bool, slowShell: Duration, verySlowShell: Duration) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        func run(_ argv: [String]) async -> ExecResult? {
            try? await connection.execute(ShellQuoting.commandLine(argv), timeout: .seconds(30))
        }
        let prefix = sudo ? ["sudo", "-n"] : []
        // A harmless probe that a guard refuses and an open key runs.
        let probe = await run(["true"])
        let probeError = probe.map { String(decoding: $0.stderr, as: UTF8.self) } ?? ""
        let guarded = probe?.exitStatus == GuardMain.refusedStatus && probeError.hasPrefix(GuardMain.refusalPrefix)
        if guarded {
            let name = probeError.split(separator: ")").first?.split(separator: "(").last.map(String.init) ?? "?"
            checks.append(DoctorCheck(name: "host guard", status: .pass, detail: "the key is guarded: the host refused a probe (\(name))", fix: nil))
            return checks + (await guardedChecks(run, prefix: prefix, slowShell: slowShell, verySlowShell: verySlowShell))
        }
        checks.append(DoctorCheck(
            name: "host guard", status: .warn, detail: "the key runs any command on the host (no guard in authorized_keys)",
            fix: "install mcp-proxmox-admin on the host and prefix the key's line in authorized_keys with command=\"/usr/bin/mcp-proxmox-guard --name mcp-proxmox-admin\",restrict (docs/setup.md, \"Guard the key on the host\")"))
        // A non-root PATH may lack /usr/sbin, where qm and pct live; sudo's secure_path has it.
        let missingScript = "for p in pvesh qm pct; do command -v \"$p\" >/dev/null 2>&1 || [ -x \"/usr/sbin/$p\" ] || echo \"$p\"; done"
        if let result = await run(["sh", "-c", missingScript]), result.exitStatus == 0 {
            let missing = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
            checks.append(missing.isEmpty
                ? DoctorCheck(name: "pvesh, qm, pct", status: .pass, detail: "all present", fix: nil)
                : DoctorCheck(name: "pvesh, qm, pct", status: .fail, detail: "missing: \(missing.joined(separator: ", "))",
                              fix: "point host at a Proxmox VE node (pvesh comes with pve-manager, qm with qemu-server, pct with pve-container)"))
        } else {
            checks.append(DoctorCheck(name: "pvesh, qm, pct", status: .fail, detail: "cannot run sh on the host",
                                      fix: "the login shell must run commands (not a restricted or forced command)"))
        }
        if let result = await run(prefix + ["pveversion"]), result.exitStatus == 0 {
            checks.append(DoctorCheck(name: "pveversion", status: .pass,
                                      detail: String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), fix: nil))
        } else {
            checks.append(DoctorCheck(name: "pveversion", status: .fail, detail: "pveversion did not run",
                                      fix: "install or repair pve-manager on the host; with sudo, allow pveversion in the sudoers rule"))
        }
        checks.append(await permissions(run, sudo: sudo, user: connection.endpoint.user))
        checks.append(await clusterFiles(run, prefix: prefix, user: connection.endpoint.user))
        checks.append(await shellStartUp(run, slowShell: slowShell, verySlowShell: verySlowShell))
        return checks
    }

    /// Behind the guard no shell runs: pvesh answers for the tools, the version and the rights.
    static func guardedChecks(_ run: ([String]) async -> ExecResult?, prefix: [String], slowShell: Duration,
                              verySlowShell: Duration) async -> [DoctorCheck] {
        let version = await run(prefix + ["pvesh", "get", "/version", "--output-format", "json"])
        guard let version, version.exitStatus == 0, let document = try? JSONValue.parse(version.stdout) else {
            let reason = version.map { String(decoding: $0.stderr, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "no message" } ?? "no answer"
            return [DoctorCheck(name: "pvesh, qm, pct", status: .fail, detail: "pvesh get /version did not run through the guard: \(reason.prefix(200))",
                                fix: "the guard runs pvesh from the login's PATH (with sudo: sudo -n's secure_path); check the host policy file")]
                + ["pveversion", "permissions"].map { DoctorCheck(name: $0, status: .skip, detail: "skipped: pvesh did not run", fix: nil) }
                + [await clusterFiles(run, prefix: prefix, user: nil), await shellStartUp(run, slowShell: slowShell, verySlowShell: verySlowShell)]
        }
        let release = document["version"]?.stringValue ?? "?"
        return [
            DoctorCheck(name: "pvesh, qm, pct", status: .pass, detail: "pvesh answers through the guard (qm and pct are not looked up: the guard runs no shell)", fix: nil),
            DoctorCheck(name: "pveversion", status: .pass, detail: "pve-manager/\(release)/\(document["repoid"]?.stringValue ?? "?") (from pvesh get /version)", fix: nil),
            DoctorCheck(name: "permissions", status: .pass, detail: prefix.isEmpty ? "pvesh runs with the key's rights" : "pvesh runs through sudo -n", fix: nil),
            await clusterFiles(run, prefix: prefix, user: nil),
            await shellStartUp(run, slowShell: slowShell, verySlowShell: verySlowShell),
        ]
    }

    /// The time of a command that does nothing (`true`; behind a guard, its refusal): what every call pays.
    static func shellStartUp(_ run: ([String]) async -> ExecResult?, slowShell: Duration, verySlowShell: Duration) async -> DoctorCheck {
        var times: [Duration] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            guard await run(["true"]) != nil else { break }
            times.append(ContinuousClock.now - start)
        }
        let median = times.sorted()[safe: times.count / 2] ?? .seconds(30)
        let milliseconds = Int(median / .milliseconds(1))
        return (median < slowShell
            ? DoctorCheck(name: "shell start-up", status: .pass, detail: "\(milliseconds) ms per command (median of \(times.count))", fix: nil)
            : DoctorCheck(name: "shell start-up", status: median < max(slowShell, verySlowShell) ? .warn : .fail,
                          detail: "\(milliseconds) ms per command (median of \(times.count)), every tool call pays it",
                          fix: "the login shell does slow work for non-interactive commands: in ~/.bashrc, return early when not interactive ([ -z \"$PS1\" ] && return) before conda, pyenv, nvm and the like"))
    }

    /// Whether the guest list pmxcfs keeps (`/etc/pve/.vmlist`) can be read: then finding a guest's node
    /// costs no Perl start; without it every lookup asks pvesh. A warning, not a failure: the tools work.
    /// - Parameter user: the login, for the sudoers line to add (nil behind a guard, which allows the file).
    static func clusterFiles(_ run: ([String]) async -> ExecResult?, prefix: [String], user: String?) async -> DoctorCheck {
        if let result = await run(prefix + VMList.read.argv), result.exitStatus == 0, let guests = try? VMList.parse(result.stdout) {
            return DoctorCheck(name: "cluster files", status: .pass,
                               detail: "\(VMList.path) lists \(guests.count) guest\(guests.count == 1 ? "" : "s"): finding a guest's node starts no Perl", fix: nil)
        }
        let fix = if let user, !prefix.isEmpty {
            "add to /etc/sudoers.d/mcp-proxmox-admin (visudo -f): \(user) ALL=(root) NOPASSWD: /usr/bin/cat \(VMList.path)"
        } else {
            "run the server on a Proxmox VE node's login that may read /etc/pve (root, or sudo: true with the rule in docs/setup.md)"
        }
        return DoctorCheck(name: "cluster files", status: .warn,
                           detail: "\(VMList.path) cannot be read: each guest lookup asks pvesh get /cluster/resources (one more Perl start, a few hundred ms)",
                           fix: fix)
    }

    static func permissions(_ run: (([String]) async -> ExecResult?), sudo: Bool, user: String) async -> DoctorCheck {
        let uid = await run(["id", "-u"]).map { String(decoding: $0.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        if uid == "0" {
            return DoctorCheck(name: "permissions", status: .pass, detail: "logged in as root", fix: nil)
        }
        let rule = "\(user) ALL=(root) NOPASSWD: /usr/bin/pvesh, /usr/sbin/qm, /usr/sbin/pct, /usr/bin/pveversion, /usr/bin/vzdump, /usr/sbin/qmrestore"
        guard sudo else {
            return DoctorCheck(name: "permissions", status: .fail, detail: "\(user) is not root and sudo is off",
                               fix: "log in as root, or set sudo: true and add to /etc/sudoers.d/mcp-proxmox-admin: \(rule)")
        }
        if let result = await run(["sudo", "-n", "pvesh", "get", "/version", "--output-format", "json"]), result.exitStatus == 0 {
            return DoctorCheck(name: "permissions", status: .pass, detail: "\(user) runs pvesh through sudo -n", fix: nil)
        }
        return DoctorCheck(name: "permissions", status: .fail, detail: "sudo -n pvesh was refused (a password is needed, or no rule)",
                           fix: "add to /etc/sudoers.d/mcp-proxmox-admin (visudo -f): \(rule)")
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
