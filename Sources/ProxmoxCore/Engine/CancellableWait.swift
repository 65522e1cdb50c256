import Synchronization

/// Waits for a task's value, but gives up with `CancellationError` as soon as the waiting task is
/// cancelled. Runners (an SSH command in flight) do not stop on cancellation, and awaiting a
/// task's value is not interrupted by it; this lets a cancelled tool call return at once while
/// the work finishes (or times out) on its own.
enum CancellableWait {
    static func value<T: Sendable>(of work: Task<T, any Error>) async throws -> T {
        let gate = Gate<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard gate.suspend(continuation) else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                Task { gate.resume(with: await work.result) }
            }
        } onCancel: {
            gate.cancel()
        }
    }

    /// The continuation, resumed exactly once: by the work's end or by cancellation, whichever comes first.
    private final class Gate<T: Sendable>: Sendable {
        private enum State {
            case waiting
            case suspended(CheckedContinuation<T, any Error>)
            case done
        }

        private let state = Mutex<State>(.waiting)

        /// Stores the continuation; false when cancellation came first.
        func suspend(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
            state.withLock { current in
                guard case .waiting = current else { return false }
                current = .suspended(continuation)
                return true
            }
        }

        func resume(with result: Result<T, any Error>) {
            take()?.resume(with: result)
        }

        func cancel() {
            let continuation: CheckedContinuation<T, any Error>? = state.withLock { current in
                if case .waiting = current {
                    current = .done
                    return nil
                }
                guard case let .suspended(continuation) = current else { return nil }
                current = .done
                return continuation
            }
            continuation?.resume(throwing: CancellationError())
        }

        private func take() -> CheckedContinuation<T, any Error>? {
            state.withLock { current in
                guard case let .suspended(continuation) = current else { return nil }
                current = .done
                return continuation
            }
        }
    }
}
