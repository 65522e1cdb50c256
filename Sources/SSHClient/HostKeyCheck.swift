import CLibSSH2
import CSSHShim
import Foundation

/// What to do with a host whose key is not in known_hosts.
public enum HostKeyPolicy: String, Sendable, Hashable {
    /// Refuse it, with its fingerprint and the line to add (the default).
    case strict
    /// Add it to known_hosts on first contact, as OpenSSH's `StrictHostKeyChecking=accept-new`; a
    /// key that changes later is still refused.
    case acceptNew = "accept-new"
}

/// Checks the host key a session was offered against known_hosts. Never accepts a changed key.
enum HostKeyCheck {
    enum Verdict {
        case match
        /// known_hosts holds another key of the same type: expected and offered fingerprints.
        case mismatch(expected: String, offered: String)
        /// No key of this type for the host: its type, fingerprint and the known_hosts line for it.
        case unknown(type: String, fingerprint: String, line: String)
    }

    static func check(session: OpaquePointer, endpoint: SSHEndpoint) throws(SSHError) -> Verdict {
        var keyLength = 0
        var keyType: Int32 = 0
        guard let key = libssh2_session_hostkey(session, &keyLength, &keyType) else {
            throw .handshakeFailed(endpoint: endpoint.display, reason: "the server sent no host key")
        }
        let keyBytes = [UInt8](Data(bytes: key, count: keyLength))
        let typeName = String(cString: pmx_hostkey_type_name(keyType))
        let offered = "\(typeName) \(fingerprint(keyBytes))"
        var readResult: Int32 = 0
        var known = [CChar](repeating: 0, count: 4096)
        let result = pmx_check_known_host(session, endpoint.knownHostsPath, endpoint.host, Int32(endpoint.port),
                                          &readResult, &known, known.count)
        let path = endpoint.knownHostsPath
        if readResult < 0, FileManager.default.fileExists(atPath: path) {
            throw .knownHostsUnreadable(path: path, reason: "not a readable OpenSSH known_hosts file")
        }
        switch result {
        case 0:  // LIBSSH2_KNOWNHOST_CHECK_MATCH
            return .match
        case 1:  // LIBSSH2_KNOWNHOST_CHECK_MISMATCH
            let knownKey = String(decoding: known.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let expected = Data(base64Encoded: knownKey).map { "\(typeName) \(fingerprint([UInt8]($0)))" } ?? "\(typeName) (unreadable)"
            return .mismatch(expected: expected, offered: offered)
        default:
            let hostField = endpoint.port == 22 ? endpoint.host : "[\(endpoint.host)]:\(endpoint.port)"
            return .unknown(type: typeName, fingerprint: offered,
                            line: "\(hostField) \(typeName) \(Data(keyBytes).base64EncodedString())")
        }
    }

    /// `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it.
    static func fingerprint(_ key: [UInt8]) -> String {
        "SHA256:" + Data(SHA256.hash(key)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// Appends a line to known_hosts (created with mode 0600, and its folder with 0700, if missing).
    static func append(_ line: String, to path: String) throws(SSHError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .knownHostsUnreadable(path: path, reason: "cannot append to it: \(errnoText())") }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw .knownHostsUnreadable(path: path, reason: "cannot append to it: \(errnoText())")
        }
    }
}
