import CLibSSH2
import CSSHShim
import Foundation

/// Checks the host key a session was offered against known_hosts. Strict: an unknown or changed
/// key is refused, with the SHA256 fingerprint in OpenSSH's format so the user can compare.
enum HostKeyCheck {
    static func verify(session: OpaquePointer, endpoint: SSHEndpoint) throws(SSHError) {
        var keyLength = 0
        var keyType: Int32 = 0
        guard let key = libssh2_session_hostkey(session, &keyLength, &keyType) else {
            throw .handshakeFailed(endpoint: endpoint.display, reason: "the server sent no host key")
        }
        let keyBytes = Data(bytes: key, count: keyLength)
        let typeName = String(cString: pmx_hostkey_type_name(keyType))
        let fingerprint = "\(typeName) \(sha256Fingerprint(session: session))"
        var readResult: Int32 = 0
        let result = pmx_check_known_host(session, endpoint.knownHostsPath, endpoint.host, Int32(endpoint.port),
                                          &readResult)
        let path = endpoint.knownHostsPath
        if readResult < 0, FileManager.default.fileExists(atPath: path) {
            throw .knownHostsUnreadable(path: path, reason: "not a readable OpenSSH known_hosts file")
        }
        switch result {
        case 0:  // LIBSSH2_KNOWNHOST_CHECK_MATCH
            return
        case 1:  // LIBSSH2_KNOWNHOST_CHECK_MISMATCH
            throw .hostKeyMismatch(endpoint: endpoint.display, fingerprint: fingerprint, knownHostsPath: path)
        default:
            let hostField = endpoint.port == 22 ? endpoint.host : "[\(endpoint.host)]:\(endpoint.port)"
            let line = "\(hostField) \(typeName) \(keyBytes.base64EncodedString())"
            throw .unknownHostKey(endpoint: endpoint.display, fingerprint: fingerprint, knownHostsPath: path,
                                  knownHostsLine: line)
        }
    }

    /// `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it.
    static func sha256Fingerprint(session: OpaquePointer) -> String {
        guard let hash = libssh2_hostkey_hash(session, Int32(LIBSSH2_HOSTKEY_HASH_SHA256)) else {
            return "SHA256:(unavailable)"
        }
        let digest = Data(bytes: hash, count: 32).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }
}
