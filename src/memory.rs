//! Per-thread heap accounting, so one SPARQL query can be given a memory budget (issue 14,
//! D3). The evaluator offers no allocation limit, so the process allocator counts what each
//! thread allocates and frees; a thread running under [`with_budget`] that goes over its budget
//! cancels its query's token, which the evaluator checks before every tuple. Memory freed by
//! another thread is not credited back to the allocating one, which only makes the count
//! err on the high side for the short time a query runs.

use oxigraph::sparql::CancellationToken;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator with the per-thread count on top: one thread-local add per call.
struct Counting;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

thread_local! {
    // `const` and free of `Drop`, so touching them never allocates (no lazy init, no
    // destructor registration): safe to use from inside the allocator.
    static NET: Cell<isize> = const { Cell::new(0) };
    static LIMIT: Cell<isize> = const { Cell::new(isize::MAX) };
    static EXCEEDED: Cell<bool> = const { Cell::new(false) };
    static TOKEN: Cell<*const CancellationToken> = const { Cell::new(std::ptr::null()) };
}

fn account(delta: isize) {
    let _ = NET.try_with(|net| {
        let now = net.get().wrapping_add(delta);
        net.set(now);
        if delta > 0 && now > LIMIT.try_with(Cell::get).unwrap_or(isize::MAX) {
            let _ = EXCEEDED.try_with(|e| e.set(true));
            if let Ok(token) = TOKEN.try_with(Cell::get) {
                if !token.is_null() {
                    // SAFETY: set only by `with_budget`, which keeps the token alive and clears
                    // the pointer before returning (also when unwinding). `cancel` is one
                    // atomic store: it does not allocate.
                    unsafe { (*token).cancel() };
                }
            }
        }
    });
}

fn size(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

// SAFETY: every call is passed to `System` unchanged; the counting touches only `Cell`s.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            account(size(layout.size()));
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            account(size(layout.size()));
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        account(-size(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            account(size(new_size).wrapping_sub(size(layout.size())));
        }
        p
    }
}

/// Restores the thread's previous budget state, also if `f` unwinds.
struct Restore {
    limit: isize,
    token: *const CancellationToken,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = TOKEN.try_with(|t| t.set(self.token));
        let _ = LIMIT.try_with(|l| l.set(self.limit));
    }
}

/// Run `f` on this thread with at most `budget` bytes of heap held beyond what the thread
/// held at the start; going over cancels `token`. Returns `f`'s value and whether the budget
/// was exceeded (then the query's `Cancelled` error means "out of memory", not "timed out").
pub fn with_budget<R>(budget: usize, token: &CancellationToken, f: impl FnOnce() -> R) -> (R, bool) {
    let start = NET.try_with(Cell::get).unwrap_or(0);
    let restore = Restore {
        limit: LIMIT.try_with(Cell::get).unwrap_or(isize::MAX),
        token: TOKEN.try_with(Cell::get).unwrap_or(std::ptr::null()),
    };
    let _ = EXCEEDED.try_with(|e| e.set(false));
    let _ = LIMIT.try_with(|l| l.set(start.saturating_add(size(budget))));
    let _ = TOKEN.try_with(|t| t.set(token as *const CancellationToken));
    let value = f();
    drop(restore);
    let exceeded = EXCEEDED.try_with(|e| e.replace(false)).unwrap_or(false);
    (value, exceeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn going_over_the_budget_cancels_the_token() {
        let token = CancellationToken::new();
        let (held, exceeded) = with_budget(1 << 20, &token, || vec![0u8; 4 << 20].len());
        assert_eq!(held, 4 << 20);
        assert!(exceeded && token.is_cancelled());

        let token = CancellationToken::new();
        let ((), exceeded) = with_budget(8 << 20, &token, || {
            for _ in 0..64 {
                drop(vec![0u8; 1 << 20]);
            }
        });
        assert!(!exceeded && !token.is_cancelled(), "freed memory is credited back");
    }
}
