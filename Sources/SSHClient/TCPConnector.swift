import Foundation

/// Opens a TCP connection with a deadline (plain `connect` can hang for minutes on a dead route).
enum TCPConnector {
    static func connect(host: String, port: Int, timeout: Duration, endpoint: String) throws(SSHError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .connectFailed(endpoint: endpoint, reason: "cannot resolve '\(host)': \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let deadline = ContinuousClock.now + timeout
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let descriptor = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { lastError = errnoText(); continue }
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
            if Glibc.connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 {
                guard errno == EINPROGRESS else { lastError = errnoText(); close(descriptor); continue }
                let remaining = deadline - ContinuousClock.now
                var pollEntry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&pollEntry, 1, Int32(max(0, remaining.milliseconds)))
                if ready <= 0 {
                    lastError = ready == 0 ? "timed out after \(timeout.milliseconds) ms" : errnoText()
                    close(descriptor)
                    continue
                }
                var socketError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
                if socketError != 0 {
                    lastError = String(cString: strerror(socketError))
                    close(descriptor)
                    continue
                }
            }
            var one: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return descriptor
        }
        throw .connectFailed(endpoint: endpoint, reason: lastError)
    }
}

extension SSHEndpoint {
    /// Whether the host accepts a TCP connection on the SSH port within the connect timeout
    /// (`doctor`'s first check); the connection is closed at once.
    public func probeReachable() throws(SSHError) {
        close(try TCPConnector.connect(host: host, port: port, timeout: connectTimeout, endpoint: display))
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

extension Duration {
    /// Whole milliseconds, rounded up so a short remaining time never becomes 0 (which would spin).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }

    var secondsDouble: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
