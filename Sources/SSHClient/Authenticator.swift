import CLibSSH2
import CSSHShim
import Foundation

/// Logs in the way OpenSSH users expect: ssh-agent, then the private key file, then the password.
/// When every method fails, the error lists what was tried and why each failed.
enum Authenticator {
    static func authenticate(_ session: OpaquePointer, _ endpoint: SSHEndpoint) throws(SSHError) {
        let user = endpoint.user
        var attempts: [String] = []
        let offered = Self.methods(session, user: user)
        if let socket = endpoint.agentSocket, !socket.isEmpty, offered.contains("publickey") {
            switch agent(session, user: user, socket: socket) {
            case .success: return
            case let .failure(reason): attempts.append("ssh-agent: \(reason)")
            }
        }
        if let path = endpoint.privateKeyPath, offered.contains("publickey") {
            switch key(session, user: user, path: path, passphrase: endpoint.passphrase) {
            case .success: return
            case let .failure(reason): attempts.append("key \(path): \(reason)")
            }
        }
        if let password = endpoint.password, offered.contains("password") {
            let status = libssh2_userauth_password_ex(session, user, UInt32(user.utf8.count), password,
                                                      UInt32(password.utf8.count), nil)
            if status == 0 { return }
            attempts.append("password: refused by the server")
        }
        if attempts.isEmpty {
            attempts.append("no method configured that the server accepts (it offers: \(offered.joined(separator: ", ")))")
        }
        throw .authenticationFailed(endpoint: endpoint.display, reason: "tried " + attempts.joined(separator: "; "))
    }

    /// What the server lets this user try (`publickey`, `password`, ...).
    static func methods(_ session: OpaquePointer, user: String) -> [String] {
        guard let list = libssh2_userauth_list(session, user, UInt32(user.utf8.count)) else {
            // NULL also means "none" auth succeeded, which never happens on a Proxmox host.
            return ["publickey", "password"]
        }
        return String(cString: list).split(separator: ",").map(String.init)
    }

    enum Outcome { case success, failure(String) }

    static func agent(_ session: OpaquePointer, user: String, socket: String) -> Outcome {
        guard let agent = libssh2_agent_init(session) else { return .failure("could not be initialised") }
        defer { libssh2_agent_free(agent) }
        libssh2_agent_set_identity_path(agent, socket)
        guard libssh2_agent_connect(agent) == 0 else { return .failure("cannot connect to \(socket)") }
        defer { libssh2_agent_disconnect(agent) }
        guard libssh2_agent_list_identities(agent) == 0 else { return .failure("cannot list its identities") }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
        var refused: [String] = []
        while libssh2_agent_get_identity(agent, &identity, previous) == 0, let current = identity {
            previous = current
            let comment = current.pointee.comment.map { String(cString: $0) } ?? "key"
            let isRSA = current.pointee.blob.map { Self.blobType(UnsafeBufferPointer(start: $0, count: Int(current.pointee.blob_len))) == "ssh-rsa" } ?? false
            if libssh2_agent_userauth(agent, user, current) == 0 { return .success }
            refused.append(isRSA && !Self.canSignRSA ? "\(comment) (RSA: \(Self.rsaExplanation))" : comment)
        }
        return .failure(refused.isEmpty ? "has no identities" : "identities refused: \(refused.joined(separator: ", "))")
    }

    static func key(_ session: OpaquePointer, user: String, path: String, passphrase: String?) -> Outcome {
        guard FileManager.default.isReadableFile(atPath: path) else { return .failure("missing or not readable") }
        let status = libssh2_userauth_publickey_fromfile_ex(session, user, UInt32(user.utf8.count), nil, path, passphrase)
        if status == 0 { return .success }
        if isRSAKey(path) && !canSignRSA { return .failure("an RSA key: \(rsaExplanation)") }
        switch status {
        case LIBSSH2_ERROR_FILE:
            return .failure(passphrase == nil
                ? "could not be read: it may need a passphrase (PROXMOX_SSH_KEY_PASSPHRASE) or be in an unsupported format"
                : "could not be decrypted: wrong passphrase, or an unsupported format")
        case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED, LIBSSH2_ERROR_AUTHENTICATION_FAILED:
            return .failure("refused by the server: is its public key in ~\(user)/.ssh/authorized_keys?")
        default:
            return .failure("refused (\(SessionLoop.lastError(session)))")
        }
    }

    /// libssh2 signs with rsa-sha2-256/512 only from 1.11 on; 1.10 signs with SHA-1, which
    /// OpenSSH 8.8+ refuses by default (SSH-LAYER.md).
    static var canSignRSA: Bool {
        let parts = String(cString: pmx_libssh2_version()).split(separator: ".").compactMap { Int($0) }
        return (parts.first ?? 0, parts.dropFirst().first ?? 0) >= (1, 11)
    }

    static var rsaExplanation: String {
        "libssh2 \(String(cString: pmx_libssh2_version())) signs RSA keys only with SHA-1, which OpenSSH 8.8+ refuses; use an ed25519 key (ssh-keygen -t ed25519) or libssh2 1.11+"
    }

    /// Whether a private key file holds an RSA key (PEM, or OpenSSH format whose public part names ssh-rsa).
    static func isRSAKey(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        if text.contains("BEGIN RSA PRIVATE KEY") { return true }
        guard text.contains("BEGIN OPENSSH PRIVATE KEY") else { return false }
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { return false }
        return data.prefix(200).range(of: Data("ssh-rsa".utf8)) != nil
    }

    /// The key type at the start of an SSH public key blob (a length-prefixed string).
    static func blobType(_ blob: UnsafeBufferPointer<UInt8>) -> String? {
        guard blob.count >= 4 else { return nil }
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length > 0, blob.count >= 4 + length else { return nil }
        return String(decoding: blob[4..<(4 + length)], as: UTF8.self)
    }
}
