import Foundation
import Logging
import MCP
import Synchronization

/// MCP's stdio framing (one JSON-RPC message per line) over two file descriptors, read with
/// blocking reads on a dedicated thread.
///
/// The SDK's `StdioTransport` switches the descriptors to non-blocking mode and sleeps 10 ms
/// whenever stdin is empty, which adds about 10 ms to every request; a blocking read wakes the
/// moment a line arrives (0.18 ms per call measured, notes/MCP-SDK.md). The SDK's `Server` and
/// `Client` are used unchanged on top of it.
public actor LineTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let writer: LineWriter
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var reading = false
    /// Ids of requests read but not yet answered, so that end of input can wait for the answers
    /// (`echo '{...}' | mcp-proxmox-admin` must still print its result).
    private let unanswered = UnansweredRequests()
    /// Requests answered here rather than by the SDK (`tools/call`, registered by the server).
    private let direct = DirectRequests()

    /// The largest message accepted; a longer line is dropped (and logged) instead of exhausting memory.
    public static let maximumMessageSize = 64 * 1024 * 1024

    /// - Parameters:
    ///   - input: descriptor messages are read from (stdin for a server).
    ///   - output: descriptor messages are written to (stdout for a server).
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                logger: Logger = Logger(label: "mcp.transport")) {
        self.input = input
        writer = LineWriter(output)
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
    }

    public func connect() async throws {
        guard !reading else { return }
        reading = true
        let thread = Thread { [input, continuation, logger, unanswered, writer, direct] in
            Self.readLines(from: input, into: continuation, unanswered: unanswered, direct: direct, writer: writer, logger: logger)
        }
        thread.name = "mcp stdin"
        thread.start()
    }

    /// Answers requests for `method` with `handler` instead of passing them to the SDK's `Server`;
    /// the handler gets the request's id and parameters and returns the encoded response.
    /// Register before `connect()`.
    func answer(_ method: String, with handler: @escaping DirectRequests.Handler) {
        direct.register(method, handler)
    }

    public func disconnect() async {
        continuation.finish()
    }

    /// Waits until every request read so far has been answered, or `timeout` has passed.
    public func waitForAnswers(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while !unanswered.isEmpty && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    public func send(_ data: Data) async throws {
        defer { unanswered.noteSent(data) }
        try writer.write(data)
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    /// Reads until EOF, yielding each non-empty line.
    private static func readLines(from descriptor: Int32,
                                  into continuation: AsyncThrowingStream<Data, any Error>.Continuation,
                                  unanswered: UnansweredRequests, direct: DirectRequests, writer: LineWriter,
                                  logger: Logger) {
        func deliver(_ message: Data) {
            switch MessageScreen.screen(message) {
            case let .pass(parsed):
                unanswered.noteReceived(parsed)
                if !direct.take(parsed, writer: writer, unanswered: unanswered) { continuation.yield(message) }
            case let .reject(answer):
                logger.notice("refused a malformed MCP message (\(message.count) bytes)")
                if let answer { try? writer.write(answer) }
            }
        }
        var pending = Data()
        var discarding = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&entry, 1, -1)
                    continue
                }
                break
            }
            if count == 0 { break }
            var start = 0
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                if !discarding { pending.append(contentsOf: buffer[start..<index]) }
                if !pending.isEmpty { deliver(pending) }
                pending = Data()
                discarding = false
                start = index + 1
            }
            if !discarding { pending.append(contentsOf: buffer[start..<count]) }
            if pending.count > maximumMessageSize {
                logger.error("dropping an MCP message larger than \(maximumMessageSize) bytes")
                try? writer.write(MessageScreen.tooLarge(maximumMessageSize))
                pending = Data()
                discarding = true
            }
        }
        if !pending.isEmpty && !discarding { deliver(pending) }
        continuation.finish()
    }
}

/// Writes whole lines to one descriptor, one at a time: the SDK's answers and the screen's
/// rejections come from different threads and must never interleave.
final class LineWriter: Sendable {
    private let output: Int32
    private let lock = Mutex(())

    init(_ output: Int32) {
        self.output = output
    }

    func write(_ data: Data) throws {
        var message = data
        message.append(UInt8(ascii: "\n"))
        try lock.withLock { _ in
            try message.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(output, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                        // An inherited non-blocking descriptor: wait until it takes more.
                        var entry = pollfd(fd: output, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&entry, 1, -1)
                    } else {
                        throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                    }
                }
            }
        }
    }
}

/// Request ids seen on input and not yet answered on output. Batches are not tracked: MCP
/// 2025-06-18 and later have no JSON-RPC batching.
final class UnansweredRequests: Sendable {
    private let ids = Mutex(Set<String>())

    var isEmpty: Bool { ids.withLock { $0.isEmpty } }

    /// Records the id of a request (a message with `method` and `id`), from the screen's parse of it.
    func noteReceived(_ object: [String: Any]) {
        guard object["method"] != nil, let id = Self.key(object["id"]) else { return }
        ids.withLock { _ = $0.insert(id) }
    }

    /// Forgets the id of a response (a message with `id` and `result` or `error`).
    func noteSent(_ message: Data) {
        guard let object = Self.object(message), object["method"] == nil, let id = Self.key(object["id"]) else { return }
        noteAnswered(id)
    }

    /// Forgets a request answered (or cancelled) outside the SDK, by its ``key(_:)``.
    func noteAnswered(_ key: String) {
        ids.withLock { _ = $0.remove(key) }
    }

    private static func object(_ message: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: message)) as? [String: Any]
    }

    /// A JSON-RPC id as one string, its type kept apart (`"1"` and `1` are different ids).
    static func key(_ id: Any?) -> String? {
        switch id {
        case let text as String: "s:" + text
        case let number as NSNumber: "n:" + number.stringValue
        default: nil
        }
    }
}
