//! The host's wrapper around the runtime's own allocators: every live
//! block Python allocates is tagged with the cycle (runtime) that
//! allocated it.
//!
//! Two things need it, and neither can be had from inside Python. Which
//! runtime allocated an object: an address alone proves nothing, since a
//! fresh runtime may well allocate a new object where a freed one was,
//! while a block tagged with an earlier cycle is an object that outlived
//! its runtime. And what the runtimes left behind: the blocks still live
//! after a `Py_FinalizeEx`, a count that survives finalisation
//! (`sys.getallocatedblocks` does not).
//!
//! It wraps the allocators pre-initialisation set up (pymalloc, or what
//! `PYTHONMALLOC` and the development mode ask for, with their debug
//! hooks), for all three domains, after `Py_PreInitialize` and before
//! `Py_InitializeEx`, as `PyMem_SetAllocator`'s contract allows. Wrapping
//! rather than replacing them keeps the runtime's memory as any embedding
//! process has it: a module that frees memory of a finalised runtime in
//! the new one crashes here as it would there (`_decimal` on 3.12.1 does
//! under pymalloc, and would not under `malloc`).

use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

type Malloc = unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void;
type Calloc = unsafe extern "C" fn(*mut c_void, usize, usize) -> *mut c_void;
type Realloc = unsafe extern "C" fn(*mut c_void, *mut c_void, usize) -> *mut c_void;
type Free = unsafe extern "C" fn(*mut c_void, *mut c_void);

/// CPython's `PyMemAllocatorEx`, unchanged from 3.5 to 3.13.
#[repr(C)]
#[derive(Clone, Copy)]
pub(super) struct PyMemAllocatorEx {
    pub ctx: *mut c_void,
    pub malloc: Option<Malloc>,
    pub calloc: Option<Calloc>,
    pub realloc: Option<Realloc>,
    pub free: Option<Free>,
}

impl PyMemAllocatorEx {
    /// For `PyMem_GetAllocator` to fill in.
    pub(super) const EMPTY: PyMemAllocatorEx = PyMemAllocatorEx {
        ctx: std::ptr::null_mut(),
        malloc: None,
        calloc: None,
        realloc: None,
        free: None,
    };

    /// A tracking wrapper around `inner`, which it calls for the memory.
    /// `inner` is never freed: a runtime's blocks go back to it for as
    /// long as the process lives.
    pub(super) fn tracking(inner: PyMemAllocatorEx) -> PyMemAllocatorEx {
        PyMemAllocatorEx {
            ctx: Box::into_raw(Box::new(inner)).cast(),
            malloc: Some(track_malloc),
            calloc: Some(track_calloc),
            realloc: Some(track_realloc),
            free: Some(track_free),
        }
    }

    /// A tracking wrapper: installed in an earlier cycle and still in place
    /// (3.8 to 3.11 keep their allocators from one runtime to the next).
    pub(super) fn is_tracking(&self) -> bool {
        self.malloc.map(|f| f as usize) == Some(track_malloc as Malloc as usize)
    }
}

/// The cycle whose runtime is allocating now.
static CYCLE: AtomicU32 = AtomicU32::new(0);
/// Every live block, by address. Its own memory comes from Rust's
/// allocator (`malloc` directly), never from Python's, so tracking cannot
/// recurse.
static BLOCKS: Mutex<Blocks> = Mutex::new(Blocks::new());

fn blocks() -> MutexGuard<'static, Blocks> {
    // Panicking inside an allocator called from C would abort; a poisoned
    // table is still a table.
    BLOCKS.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn set_cycle(cycle: u32) {
    CYCLE.store(cycle, Ordering::SeqCst);
}

/// Where an object may start in its block: at the start, or after the
/// two words of a GC header, or on 3.12+ after two more of the managed
/// dict and weak references; anything else is found by a scan.
const OBJECT_OFFSETS: [usize; 3] = [0, 2 * WORD, 4 * WORD];
const WORD: usize = std::mem::size_of::<usize>();

/// The cycle that allocated the live block containing `address`; `None`
/// when no tracked block contains it (static data, or memory Python did
/// not allocate through its allocators).
pub(super) fn born(address: usize) -> Option<u32> {
    let blocks = blocks();
    let contains = |b: &Block| b.start <= address && address < b.start + b.size.max(1);
    OBJECT_OFFSETS
        .into_iter()
        .find_map(|offset| {
            blocks
                .get(address.wrapping_sub(offset))
                .filter(|b| contains(b))
        })
        .or_else(|| blocks.iter().find(|b| contains(b)))
        .map(|b| b.cycle)
}

/// What is still allocated: after a finalisation, what every runtime so far
/// left behind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Live {
    pub blocks: u64,
    pub bytes: u64,
    /// Immortal strings, counted apart: CPython 3.12 and 3.13 intern the
    /// names of everything a runtime defines (every attribute, function
    /// and parameter name of every module it imports) as immortal strings
    /// and never free them at finalisation, so they grow with the module's
    /// size, not with any fault of it.
    pub interned: u64,
}

/// `PyUnicode_Type`'s address, to recognise a `str` object at the start
/// of a block (strings have no GC header).
#[derive(Debug, Clone, Copy)]
pub(super) struct StrType(pub usize);

/// Every block still live.
pub(super) fn live(str_type: StrType) -> Live {
    count(str_type, |_| true)
}

fn count(str_type: StrType, which: impl Fn(&Block) -> bool) -> Live {
    let mut left = Live::default();
    for block in blocks().iter().filter(|b| which(b)) {
        if immortal_str(block, str_type) {
            left.interned += 1;
        } else {
            left.blocks += 1;
            left.bytes += block.size as u64;
        }
    }
    left
}

/// An immortal `str`: its type is `str` and the low 32 bits of its
/// reference count are negative as an `int32_t`, CPython's own test for
/// immortality in 3.12 to 3.15 on 64-bit GIL builds (never true of a
/// mortal count).
fn immortal_str(block: &Block, str_type: StrType) -> bool {
    if block.size < 2 * WORD {
        return false;
    }
    // SAFETY: the block is live (CPython never releases an arena that
    // still holds a block, not even a finalised runtime's), at least that
    // long, and word-aligned, as every allocator Python has aligns.
    let [refcount, kind] = unsafe { *(block.start as *const [usize; 2]) };
    kind == str_type.0 && (refcount as u32 as i32) < 0
}

thread_local! {
    /// Python allocations in progress on this thread.
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Calls `allocate` (the wrapped allocator) and returns whether the
/// allocation was Python's own and not the allocator's bookkeeping:
/// pymalloc allocates the nodes of its arena map from the raw domain while
/// serving an object allocation, and on 3.12+, which forgets its arenas at
/// every initialisation, it leaks new ones every cycle, more of them the
/// more memory the runtime used.
fn outermost<T>(allocate: impl FnOnce() -> T) -> (T, bool) {
    let depth = DEPTH.with(|d| d.replace(d.get() + 1));
    let result = allocate();
    DEPTH.with(|d| d.set(depth));
    (result, depth == 0)
}

fn record(ptr: *mut c_void, size: usize) {
    if !ptr.is_null() {
        let cycle = CYCLE.load(Ordering::Relaxed);
        blocks().insert(Block {
            start: ptr as usize,
            size,
            cycle,
        });
    }
}

fn forget(ptr: *mut c_void) {
    blocks().remove(ptr as usize);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    /// Never 0: that marks a free slot.
    start: usize,
    size: usize,
    cycle: u32,
}

/// An open-addressing hash table of blocks by start address (linear
/// probing, deletion by backward shift). Every allocation of the runtime
/// goes through it, about 60,000 a cycle, so it is kept to plain array
/// work: a tree or a general map costs a microsecond or more per call in
/// an unoptimised build, which tripled the cycle's time.
struct Blocks {
    slots: Vec<Block>,
    len: usize,
}

const FREE: Block = Block {
    start: 0,
    size: 0,
    cycle: 0,
};

impl Blocks {
    const fn new() -> Blocks {
        Blocks {
            slots: Vec::new(),
            len: 0,
        }
    }

    fn home(&self, start: usize) -> usize {
        // Fibonacci hashing of the address without its alignment bits.
        let hash = (start >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (hash >> (usize::BITS - self.slots.len().trailing_zeros())) & (self.slots.len() - 1)
    }

    fn find(&self, start: usize) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(start);
        loop {
            match self.slots[i].start {
                0 => return None,
                s if s == start => return Some(i),
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn get(&self, start: usize) -> Option<&Block> {
        self.find(start).map(|i| &self.slots[i])
    }

    fn insert(&mut self, block: Block) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(block.start);
        while self.slots[i].start != 0 && self.slots[i].start != block.start {
            i = (i + 1) & mask;
        }
        if self.slots[i].start == 0 {
            self.len += 1;
        }
        self.slots[i] = block;
    }

    fn remove(&mut self, start: usize) {
        let Some(mut hole) = self.find(start) else {
            return;
        };
        let mask = self.slots.len() - 1;
        self.slots[hole] = FREE;
        self.len -= 1;
        // Move back every later block of the run that may not stay behind
        // the hole, so that probing never stops early.
        let mut i = (hole + 1) & mask;
        while self.slots[i].start != 0 {
            let home = self.home(self.slots[i].start);
            let distance = |from: usize, to: usize| to.wrapping_sub(from) & mask;
            if distance(home, i) >= distance(hole, i) {
                self.slots[hole] = self.slots[i];
                self.slots[i] = FREE;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1 << 12);
        let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
        self.len = 0;
        for block in old.into_iter().filter(|b| b.start != 0) {
            self.insert(block);
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Block> {
        self.slots.iter().filter(|b| b.start != 0)
    }
}

/// The allocator a tracking wrapper wraps.
///
/// # Safety
/// `ctx` is the context of a wrapper made by [`PyMemAllocatorEx::tracking`].
unsafe fn inner<'a>(ctx: *mut c_void) -> &'a PyMemAllocatorEx {
    // SAFETY: the caller's promise; the box is never freed.
    unsafe { &*(ctx as *const PyMemAllocatorEx) }
}

unsafe extern "C" fn track_malloc(ctx: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: Python calls it with the wrapper's context.
    let inner = unsafe { inner(ctx) };
    let Some(malloc) = inner.malloc else {
        return std::ptr::null_mut();
    };
    // SAFETY: the wrapped allocator, as Python would have called it.
    let (ptr, outermost) = outermost(|| unsafe { malloc(inner.ctx, size) });
    if outermost {
        record(ptr, size);
    }
    ptr
}

unsafe extern "C" fn track_calloc(ctx: *mut c_void, count: usize, size: usize) -> *mut c_void {
    // SAFETY: as for malloc.
    let inner = unsafe { inner(ctx) };
    let Some(calloc) = inner.calloc else {
        return std::ptr::null_mut();
    };
    // SAFETY: as for malloc.
    let (ptr, outermost) = outermost(|| unsafe { calloc(inner.ctx, count, size) });
    if outermost {
        record(ptr, count.saturating_mul(size));
    }
    ptr
}

unsafe extern "C" fn track_realloc(ctx: *mut c_void, ptr: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: as for malloc.
    let inner = unsafe { inner(ctx) };
    let Some(realloc) = inner.realloc else {
        return std::ptr::null_mut();
    };
    // SAFETY: as for malloc; `ptr` is Python's to hand back.
    let (new, outermost) = outermost(|| unsafe { realloc(inner.ctx, ptr, size) });
    if !new.is_null() {
        if !ptr.is_null() {
            forget(ptr);
        }
        if outermost {
            record(new, size);
        }
    }
    new
}

unsafe extern "C" fn track_free(ctx: *mut c_void, ptr: *mut c_void) {
    // SAFETY: as for malloc.
    let inner = unsafe { inner(ctx) };
    if !ptr.is_null() {
        forget(ptr);
    }
    if let Some(free) = inner.free {
        // SAFETY: as for realloc.
        unsafe { free(inner.ctx, ptr) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cycle is process-wide: tests that allocate take turns.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> MutexGuard<'static, ()> {
        SERIAL.lock().unwrap_or_else(|e| e.into_inner())
    }

    // The wrapped allocator of the tests: libc's.
    unsafe extern "C" fn c_malloc(_: *mut c_void, size: usize) -> *mut c_void {
        unsafe { libc::malloc(size.max(1)) }
    }
    unsafe extern "C" fn c_calloc(_: *mut c_void, count: usize, size: usize) -> *mut c_void {
        unsafe { libc::calloc(count.max(1), size.max(1)) }
    }
    unsafe extern "C" fn c_realloc(_: *mut c_void, ptr: *mut c_void, size: usize) -> *mut c_void {
        unsafe { libc::realloc(ptr, size.max(1)) }
    }
    unsafe extern "C" fn c_free(_: *mut c_void, ptr: *mut c_void) {
        unsafe { libc::free(ptr) }
    }

    fn wrapper() -> PyMemAllocatorEx {
        PyMemAllocatorEx::tracking(PyMemAllocatorEx {
            ctx: std::ptr::null_mut(),
            malloc: Some(c_malloc),
            calloc: Some(c_calloc),
            realloc: Some(c_realloc),
            free: Some(c_free),
        })
    }

    #[test]
    fn blocks_carry_the_cycle_that_allocated_them_until_freed() {
        let _turn = serial();
        let w = wrapper();
        assert!(w.is_tracking() && !PyMemAllocatorEx::EMPTY.is_tracking());
        let (malloc, calloc) = (w.malloc.unwrap(), w.calloc.unwrap());
        let (realloc, free) = (w.realloc.unwrap(), w.free.unwrap());
        set_cycle(7);
        let a = unsafe { malloc(w.ctx, 64) };
        unsafe { *a.cast::<[usize; 2]>() = [1, 0] };
        let b = unsafe { calloc(w.ctx, 0, 8) };
        set_cycle(8);
        assert_eq!(born(a as usize), Some(7));
        assert_eq!(born(a as usize + 16), Some(7));
        assert_eq!(born(a as usize + 63), Some(7));
        assert_eq!(born(b as usize), Some(7));
        let str_type = StrType(0x1234);
        let left = count(str_type, |b| b.cycle == 7);
        assert_eq!((left.blocks, left.bytes, left.interned), (2, 64, 0));
        let a2 = unsafe { realloc(w.ctx, a, 4096) };
        assert_eq!(born(a2 as usize + 4000), Some(8));
        unsafe { free(w.ctx, a2) };
        unsafe { free(w.ctx, b) };
        assert_eq!(born(a2 as usize), None);
        assert_eq!(count(str_type, |b| b.cycle == 7), Live::default());
        assert_eq!(count(str_type, |b| b.cycle == 8), Live::default());
    }

    #[test]
    fn the_table_agrees_with_a_map_through_growth_and_deletions() {
        let mut table = Blocks::new();
        let mut reference = std::collections::HashMap::new();
        // A deterministic mix of addresses that collide in their low bits.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for step in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let start = 0x1000 + ((x % 20_000) as usize) * 16;
            if x.is_multiple_of(3) {
                table.remove(start);
                reference.remove(&start);
            } else {
                let block = Block {
                    start,
                    size: 16,
                    cycle: step,
                };
                table.insert(block);
                reference.insert(start, block);
            }
        }
        assert_eq!(table.len, reference.len());
        assert_eq!(table.iter().count(), reference.len());
        for (start, block) in &reference {
            assert_eq!(table.get(*start), Some(block));
        }
        for start in (0x1000..0x1000 + 20_000 * 16).step_by(16) {
            assert_eq!(table.get(start).is_some(), reference.contains_key(&start));
        }
    }

    #[test]
    fn immortal_strings_are_counted_apart() {
        let _turn = serial();
        let str_type = StrType(0x5678);
        let w = wrapper();
        set_cycle(9);
        let blocks: Vec<*mut c_void> = (0..3)
            .map(|_| unsafe { w.malloc.unwrap()(w.ctx, 48) })
            .collect();
        let words = |ptr: *mut c_void, refcount: usize, kind: usize| unsafe {
            *(ptr.cast::<[usize; 2]>()) = [refcount, kind];
        };
        words(blocks[0], 0xFFFF_FFFF, 0x5678); // 3.12's immortal count
        words(blocks[1], 0xC000_0000, 0x5678); // 3.13's, after decrements
        words(blocks[2], 3, 0x5678); // a mortal str
        let left = count(str_type, |b| b.cycle == 9);
        assert_eq!((left.blocks, left.bytes, left.interned), (1, 48, 2));
        for ptr in blocks {
            unsafe { w.free.unwrap()(w.ctx, ptr) };
        }
    }

    /// The raw-domain wrapper, for the nesting allocator below.
    static RAW: Mutex<Option<usize>> = Mutex::new(None);

    /// Like pymalloc: allocates bookkeeping from the raw domain (through
    /// its tracking wrapper) while serving an allocation.
    unsafe extern "C" fn nesting_malloc(_: *mut c_void, size: usize) -> *mut c_void {
        let raw = RAW.lock().unwrap().expect("set") as *const PyMemAllocatorEx;
        let raw = unsafe { &*raw };
        let bookkeeping = unsafe { raw.malloc.unwrap()(raw.ctx, 4096) };
        assert!(!bookkeeping.is_null());
        unsafe { libc::malloc(size.max(1)) }
    }

    #[test]
    fn the_allocators_own_bookkeeping_is_not_the_runtimes() {
        let _turn = serial();
        let raw: &'static PyMemAllocatorEx = Box::leak(Box::new(wrapper()));
        *RAW.lock().unwrap() = Some(raw as *const PyMemAllocatorEx as usize);
        let object = PyMemAllocatorEx::tracking(PyMemAllocatorEx {
            ctx: std::ptr::null_mut(),
            malloc: Some(nesting_malloc),
            calloc: Some(c_calloc),
            realloc: Some(c_realloc),
            free: Some(c_free),
        });
        set_cycle(10);
        let ptr = unsafe { object.malloc.unwrap()(object.ctx, 32) };
        // A reference count of 1 and no type: not an immortal string.
        unsafe { *ptr.cast::<[usize; 2]>() = [1, 0] };
        let left = count(StrType(0x5678), |b| b.cycle == 10);
        assert_eq!((left.blocks, left.bytes), (1, 32));
        unsafe { object.free.unwrap()(object.ctx, ptr) };
    }
}
