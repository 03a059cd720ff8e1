#!/usr/bin/env python3
"""Makes the generated Swift bindings honour Task cancellation: patch-swift-bindings.py IN OUT.

UniFFI 0.32's Swift awaits a Rust future with a plain continuation and no cancellation
handler, so `Task.cancel()` never reaches Rust, and its call-status check treats a cancelled
future as a fatal error (`fatalError("Cancellation not supported yet")`); upstream work on
this (mozilla/uniffi-rs#2887) is not released. Kotlin's generated code frees the future when
its coroutine is cancelled. This gives Swift the same, using only what the bindings already
export (`ffi_*_rust_future_cancel_*`, no change to bindings/):

1. `uniffiRustCallAsync` polls inside `withTaskCancellationHandler`; cancelling the Task calls
   the future's `rust_future_cancel`, which wakes the poll loop, and `complete` then drops the
   Rust future (the wallet's `off_thread` stops its work at its next await, ADR 0005's outbox
   keeps money exactly once). A future that finished first still returns its result.
2. A cancelled call throws `CancellationError` instead of crashing.
3. Every call site passes its future's cancel function (same FFI type as its free function).

Each edit must apply exactly, or this fails: a new UniFFI that changed the generated code
needs this re-checked (and dropped, once UniFFI does it itself).
"""

import re
import sys

MARKER = "// Koban: patched by scripts/patch-swift-bindings.py (Task cancellation reaches Rust)."

ORIGINAL_CALL_ASYNC = """fileprivate func uniffiRustCallAsync<F, T>(
    rustFutureFunc: () -> UInt64,
    pollFunc: (UInt64, @escaping UniffiRustFutureContinuationCallback, UInt64) -> (),
    completeFunc: (UInt64, UnsafeMutablePointer<RustCallStatus>) -> F,
    freeFunc: (UInt64) -> (),
    liftFunc: (F) throws -> T,
    errorHandler: ((RustBuffer) throws -> Swift.Error)?
) async throws -> T {
    // Make sure to call the ensure init function since future creation doesn't have a
    // RustCallStatus param, so doesn't use makeRustCall()
    uniffiEnsureKobanFfiInitialized()
    let rustFuture = rustFutureFunc()
    defer {
        freeFunc(rustFuture)
    }
    var pollResult: Int8;
    repeat {
        pollResult = await withUnsafeContinuation {
            pollFunc(
                rustFuture,
                { handle, pollResult in
                    uniffiFutureContinuationCallback(handle: handle, pollResult: pollResult)
                },
                uniffiContinuationHandleMap.insert(obj: $0)
            )
        }
    } while pollResult != UNIFFI_RUST_FUTURE_POLL_READY

    return try liftFunc(makeRustCall(
        { completeFunc(rustFuture, $0) },
        errorHandler: errorHandler
    ))
}
"""

PATCHED_CALL_ASYNC = """fileprivate func uniffiRustCallAsync<F, T>(
    rustFutureFunc: () -> UInt64,
    pollFunc: (UInt64, @escaping UniffiRustFutureContinuationCallback, UInt64) -> (),
    completeFunc: (UInt64, UnsafeMutablePointer<RustCallStatus>) -> F,
    freeFunc: (UInt64) -> (),
    cancelFunc: @escaping (UInt64) -> (),
    liftFunc: (F) throws -> T,
    errorHandler: ((RustBuffer) throws -> Swift.Error)?
) async throws -> T {
    // Make sure to call the ensure init function since future creation doesn't have a
    // RustCallStatus param, so doesn't use makeRustCall()
    uniffiEnsureKobanFfiInitialized()
    let rustFuture = rustFutureFunc()
    let cancellation = UniffiRustFutureCancellation(rustFuture, cancelFunc)
    defer {
        // No cancel once the handle is freed.
        cancellation.close()
        freeFunc(rustFuture)
    }
    // Koban: cancelling the Task cancels the Rust future, which ends this loop; `complete` then
    // drops the future and reports CALL_CANCELLED (a CancellationError) unless it finished first.
    await withTaskCancellationHandler {
        var pollResult: Int8;
        repeat {
            pollResult = await withUnsafeContinuation {
                pollFunc(
                    rustFuture,
                    { handle, pollResult in
                        uniffiFutureContinuationCallback(handle: handle, pollResult: pollResult)
                    },
                    uniffiContinuationHandleMap.insert(obj: $0)
                )
            }
        } while pollResult != UNIFFI_RUST_FUTURE_POLL_READY
    } onCancel: {
        cancellation.cancel()
    }

    return try liftFunc(makeRustCall(
        { completeFunc(rustFuture, $0) },
        errorHandler: errorHandler
    ))
}

// Koban: a Rust future's cancel function, callable from a Task's cancellation handler (any
// thread) until the future is freed, never after.
fileprivate final class UniffiRustFutureCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: UInt64?
    private let cancelFunc: (UInt64) -> ()

    init(_ handle: UInt64, _ cancelFunc: @escaping (UInt64) -> ()) {
        self.handle = handle
        self.cancelFunc = cancelFunc
    }

    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        if let handle = handle { cancelFunc(handle) }
    }

    func close() {
        lock.lock()
        handle = nil
        lock.unlock()
    }
}
"""

ORIGINAL_CANCELLED = """        case CALL_CANCELLED:
            fatalError("Cancellation not supported yet")
"""
PATCHED_CANCELLED = """        case CALL_CANCELLED:
            // Koban: the Task was cancelled and the Rust future dropped before it finished.
            throw CancellationError()
"""

CALL_SITE = re.compile(r"^(\s*)freeFunc: (ffi_\w+_rust_future_)free_(\w+),$", re.M)


def patch(source: str) -> str:
    if MARKER in source:
        raise SystemExit("already patched")

    def replace_once(text: str, old: str, new: str, what: str) -> str:
        n = text.count(old)
        if n != 1:
            raise SystemExit(f"patch-swift-bindings: {what} found {n} times, expected once: the generated Swift changed")
        return text.replace(old, new)

    source = replace_once(source, ORIGINAL_CALL_ASYNC, PATCHED_CALL_ASYNC, "uniffiRustCallAsync")
    source = replace_once(source, ORIGINAL_CANCELLED, PATCHED_CANCELLED, "the CALL_CANCELLED case")
    calls = len(re.findall(r"\buniffiRustCallAsync\(\s*rustFutureFunc:", source))
    source, sites = CALL_SITE.subn(lambda m: f"{m.group(0)}\n{m.group(1)}cancelFunc: {m.group(2)}cancel_{m.group(3)},", source)
    if sites != calls or calls == 0:
        raise SystemExit(f"patch-swift-bindings: {calls} async calls but {sites} free functions: the generated Swift changed")
    return MARKER + "\n" + source


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: patch-swift-bindings.py IN OUT")
    with open(sys.argv[1], encoding="utf-8") as f:
        source = f.read()
    patched = patch(source)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(patched)


if __name__ == "__main__":
    main()
