using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Microkernel.Memory.Heap;

/// <summary>
/// The kernel heap: thirteen size classes (16 to 2048 bytes) carved from 16 KiB slabs, per-CPU
/// magazines in front of a locked pool per class, and whole pages for larger blocks. Every
/// block is zeroed and 16-byte aligned. See kernel/mm/heap/README.md.
/// </summary>
/// <remarks>
/// All state lives in metadata storage (taken from the page source or given by the caller) and
/// in the slabs themselves; the struct holds pointers to it plus the page source and CPU context
/// by value, so copies of an initialized heap are the same heap. Keep it in one static.
/// Concurrency: <see cref="Allocate"/>, <see cref="Free"/>, <see cref="UsableSize"/>,
/// <see cref="FlushCpuCache"/> and <see cref="Trim"/> may run on all CPUs at once under the
/// <see cref="ICpuContext"/> contract (each CPU's cache is touched only by that CPU, with
/// interrupts masked by the caller); the pools are under their class lock, page-source calls and
/// page counters under the page lock (order: class lock, then page lock). Accounting reads are
/// exact whenever no heap call is in flight and may be momentarily off by the calls in flight
/// otherwise.
/// </remarks>
public unsafe struct SlabHeap<TPages, TCpu, TLock>
    where TPages : struct, ISlabPageSource
    where TCpu : struct, ICpuContext
    where TLock : unmanaged, IHeapLock
{
    private const nuint SlabMask = HeapLayout.SlabBytes - 1;

    private HeapControl<TLock>* _control;
    private ClassInfo* _info;
    private byte* _pools;
    private byte* _cpus;
    private TPages _pages;
    private TCpu _cpu;

    /// <summary>Bytes of metadata (control block, pools, per-CPU caches) for <paramref name="cpuCount"/> CPUs.</summary>
    public static nuint MetadataBytes(uint cpuCount) =>
        HeapMetadata.CpuOffset<TLock>() + (HeapMetadata.CpuStride * cpuCount);

    /// <summary>True once an <c>Initialize</c> call has succeeded.</summary>
    public readonly bool IsInitialized => _control != null;

    /// <summary>Sets the heap up for <paramref name="cpuCount"/> CPUs with its metadata in pages
    /// from <paramref name="pages"/> (<see cref="MetadataPages"/> of them, never returned).</summary>
    public HeapInitStatus Initialize(TPages pages, TCpu cpu, uint cpuCount)
    {
        if (cpuCount == 0 || cpuCount > HeapLayout.MaxCpus)
        {
            return HeapInitStatus.InvalidCpuCount;
        }

        nuint bytes = MetadataBytes(cpuCount);
        int count = (int)((bytes + HeapLayout.PageSize - 1) / HeapLayout.PageSize);
        if (!pages.TryAllocatePages(count, out nuint address))
        {
            return HeapInitStatus.OutOfMemory;
        }

        if (address == 0 || (address & (HeapMetadata.CacheLine - 1)) != 0)
        {
            if (address != 0)
            {
                pages.FreePages(address, count);
            }

            return HeapInitStatus.OutOfMemory;
        }

        Setup(pages, cpu, cpuCount, (byte*)address, bytes, (uint)count);
        return HeapInitStatus.Ok;
    }

    /// <summary>Sets the heap up with its metadata in caller storage: at least
    /// <see cref="MetadataBytes"/>(<paramref name="cpuCount"/>) bytes, 64-byte aligned, kept for
    /// the heap's lifetime.</summary>
    public HeapInitStatus Initialize(TPages pages, TCpu cpu, uint cpuCount, void* storage, nuint storageBytes)
    {
        if (cpuCount == 0 || cpuCount > HeapLayout.MaxCpus)
        {
            return HeapInitStatus.InvalidCpuCount;
        }

        nuint bytes = MetadataBytes(cpuCount);
        if (storage == null || storageBytes < bytes)
        {
            return HeapInitStatus.StorageTooSmall;
        }

        if (((nuint)storage & (HeapMetadata.CacheLine - 1)) != 0)
        {
            return HeapInitStatus.StorageMisaligned;
        }

        Setup(pages, cpu, cpuCount, (byte*)storage, bytes, 0);
        return HeapInitStatus.Ok;
    }

    /// <summary>A zeroed, 16-byte aligned block of at least <paramref name="size"/> bytes (a
    /// size of 0 gets the smallest block), or null when the page source is exhausted or the heap
    /// is not initialized.</summary>
    public void* Allocate(nuint size)
    {
        int sizeClass = HeapLayout.ClassOf(size == 0 ? 1 : size);
        if (sizeClass < 0)
        {
            return AllocateLarge(size);
        }

        HeapControl<TLock>* control = _control;
        if (control == null)
        {
            return null;
        }

        ClassInfo* info = _info + sizeClass;
        uint cpu = _cpu.CurrentCpu;
        while (true)
        {
            void* block;
            if (cpu < control->CpuCount)
            {
                Magazine* magazine = MagazineOf(cpu, sizeClass);
                if (magazine->Count == 0 && Refill(magazine, sizeClass, info) == 0)
                {
                    return null;
                }

                block = Slots(magazine)[--magazine->Count];
                if (!MarkLive(block, info))
                {
                    Anomaly(); // a cached object the bitmap calls live: leak it rather than hand it out twice
                    continue;
                }

                magazine->InUse++;
            }
            else
            {
                block = AllocateDirect(sizeClass, info);
                if (block == null)
                {
                    return null;
                }

                if (!MarkLive(block, info))
                {
                    Anomaly();
                    continue;
                }
            }

            new Span<byte>(block, (int)info->Size).Clear();
            return block;
        }
    }

    /// <summary>Frees a block from <see cref="Allocate"/>. Anything but <see cref="HeapFreeStatus.Ok"/>
    /// changes nothing: a double free, a foreign pointer, a pointer into the middle of a block.</summary>
    /// <remarks>Detection reads the 16 KiB-aligned header below the pointer, so a foreign pointer
    /// must lie in readable memory; a double free is caught unless the block has been handed out
    /// again in between (then it frees the new owner's block, as in any allocator).</remarks>
    public HeapFreeStatus Free(void* block)
    {
        if (block == null)
        {
            return HeapFreeStatus.NullPointer;
        }

        HeapFreeStatus status = Locate(block, out SlabHeader* header, out uint index);
        if (status != HeapFreeStatus.Ok)
        {
            return status;
        }

        if (header->Kind == HeapMetadata.KindLarge)
        {
            return FreeLarge(header);
        }

        int sizeClass = header->SizeClass;
        ClassInfo* info = _info + sizeClass;
        if (!ClearLive(header, index))
        {
            return HeapFreeStatus.DoubleFree;
        }

        uint cpu = _cpu.CurrentCpu;
        if (cpu < _control->CpuCount)
        {
            Magazine* magazine = MagazineOf(cpu, sizeClass);
            if (magazine->Count >= info->CacheLimit)
            {
                Flush(magazine, sizeClass, info);
            }

            Slots(magazine)[magazine->Count++] = block;
            magazine->InUse--;
        }
        else
        {
            FreeDirect(sizeClass, info, block);
        }

        return HeapFreeStatus.Ok;
    }

    /// <summary>Bytes the caller may use in a live block (its class size, or its pages minus the
    /// header); 0 for null, a freed block or a pointer that is not a block of this heap.</summary>
    public readonly nuint UsableSize(void* block)
    {
        if (block == null || Locate(block, out SlabHeader* header, out uint index) != HeapFreeStatus.Ok)
        {
            return 0;
        }

        if (header->Kind == HeapMetadata.KindLarge)
        {
            return Volatile.Read(ref header->LargeState) == HeapMetadata.LargeLive
                ? LargeUsable(header->LargePages)
                : 0;
        }

        ulong word = Volatile.Read(ref LiveWord(header, index));
        return (word & LiveBit(index)) != 0 ? _info[header->SizeClass].Size : 0;
    }

    /// <summary>Returns the calling CPU's cached objects to their pools (for example before
    /// the CPU goes offline, or before <see cref="Trim"/>).</summary>
    public void FlushCpuCache()
    {
        if (_control == null)
        {
            return;
        }

        uint cpu = _cpu.CurrentCpu;
        if (cpu >= _control->CpuCount)
        {
            return;
        }

        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            Magazine* magazine = MagazineOf(cpu, c);
            if (magazine->Count > 0)
            {
                ClassPool<TLock>* pool = PoolOf(c);
                pool->Lock.Enter();
                ReturnToPool(pool, _info + c, Slots(magazine), magazine->Count);
                pool->Lock.Exit();
                magazine->Count = 0;
            }
        }
    }

    /// <summary>Flushes the calling CPU's cache, then gives every slab with no object in use or
    /// cached back to the page source. Other CPUs' caches keep their slabs (the kernel can run
    /// <see cref="FlushCpuCache"/> on each CPU first). Returns the pages given back.</summary>
    public nuint Trim()
    {
        if (_control == null)
        {
            return 0;
        }

        FlushCpuCache();
        nuint released = 0;
        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            ClassPool<TLock>* pool = PoolOf(c);
            uint capacity = _info[c].Capacity;
            pool->Lock.Enter();
            SlabHeader* slab = pool->Head;
            while (slab != null)
            {
                SlabHeader* next = slab->Next;
                if (slab->FreeCount == capacity)
                {
                    Unlink(pool, slab);
                    pool->Slabs--;
                    pool->FreeInSlabs -= capacity;
                    ReleaseSlab(slab);
                    released += HeapLayout.SlabPages;
                }

                slab = next;
            }

            pool->Lock.Exit();
        }

        return released;
    }

    // ---- accounting ---------------------------------------------------------------------

    /// <summary>Objects of class <paramref name="sizeClass"/> handed out and not freed.</summary>
    public readonly long ObjectsInUse(int sizeClass)
    {
        if (_control == null || (uint)sizeClass >= HeapLayout.ClassCount)
        {
            return 0;
        }

        long sum = Volatile.Read(ref PoolOf(sizeClass)->DirectInUse);
        for (uint cpu = 0; cpu < _control->CpuCount; cpu++)
        {
            sum += Volatile.Read(ref MagazineOf(cpu, sizeClass)->InUse);
        }

        return sum;
    }

    /// <summary>Bytes of class <paramref name="sizeClass"/> in use (objects times the class size).</summary>
    public readonly long BytesInUse(int sizeClass) =>
        (uint)sizeClass >= HeapLayout.ClassCount ? 0 : ObjectsInUse(sizeClass) * HeapLayout.ClassSize(sizeClass);

    /// <summary>Objects of the class sitting in per-CPU caches.</summary>
    public readonly long ObjectsCached(int sizeClass)
    {
        if (_control == null || (uint)sizeClass >= HeapLayout.ClassCount)
        {
            return 0;
        }

        long sum = 0;
        for (uint cpu = 0; cpu < _control->CpuCount; cpu++)
        {
            sum += Volatile.Read(ref MagazineOf(cpu, sizeClass)->Count);
        }

        return sum;
    }

    /// <summary>Objects of the class free in its slabs (not cached, not in use).</summary>
    public readonly long ObjectsFreeInSlabs(int sizeClass) =>
        _control == null || (uint)sizeClass >= HeapLayout.ClassCount ? 0 : Volatile.Read(ref PoolOf(sizeClass)->FreeInSlabs);

    /// <summary>Slabs the class holds.</summary>
    public readonly long SlabsHeld(int sizeClass) =>
        _control == null || (uint)sizeClass >= HeapLayout.ClassCount ? 0 : Volatile.Read(ref PoolOf(sizeClass)->Slabs);

    /// <summary>Objects per slab of the class (0 before initialization).</summary>
    public readonly int ObjectsPerSlab(int sizeClass) =>
        _control == null || (uint)sizeClass >= HeapLayout.ClassCount ? 0 : (int)_info[sizeClass].Capacity;

    /// <summary>Large blocks handed out and not freed.</summary>
    public readonly long LargeObjectsInUse => _control == null ? 0 : Volatile.Read(ref _control->LargeObjects);

    /// <summary>Usable bytes of the large blocks in use.</summary>
    public readonly long LargeBytesInUse => _control == null ? 0 : Volatile.Read(ref _control->LargeBytes);

    /// <summary>Pages held by large blocks (headers included).</summary>
    public readonly long LargePagesHeld => _control == null ? 0 : Volatile.Read(ref _control->LargePages);

    /// <summary>Pages held by slabs.</summary>
    public readonly long SlabPagesHeld => _control == null ? 0 : Volatile.Read(ref _control->SlabPages);

    /// <summary>Pages of metadata taken from the page source at initialization.</summary>
    public readonly long MetadataPages => _control == null ? 0 : _control->MetadataPages;

    /// <summary>Every page the heap holds from the page source.</summary>
    public readonly long PagesHeld => SlabPagesHeld + LargePagesHeld + MetadataPages;

    /// <summary>Blocks in use, small and large.</summary>
    public readonly long TotalObjectsInUse
    {
        get
        {
            long sum = LargeObjectsInUse;
            for (int c = 0; c < HeapLayout.ClassCount; c++)
            {
                sum += ObjectsInUse(c);
            }

            return sum;
        }
    }

    /// <summary>Usable bytes of the blocks in use, small and large.</summary>
    public readonly long TotalBytesInUse
    {
        get
        {
            long sum = LargeBytesInUse;
            for (int c = 0; c < HeapLayout.ClassCount; c++)
            {
                sum += BytesInUse(c);
            }

            return sum;
        }
    }

    /// <summary>Internal inconsistencies the heap survived by leaking an object (a corrupted
    /// bitmap or free count); 0 in a healthy heap.</summary>
    public readonly long Anomalies => _control == null ? 0 : Volatile.Read(ref _control->Anomalies);

    // ---- set-up ---------------------------------------------------------------------------

    private void Setup(TPages pages, TCpu cpu, uint cpuCount, byte* storage, nuint bytes, uint metadataPages)
    {
        for (nuint done = 0; done < bytes;)
        {
            int chunk = (int)Math.Min(bytes - done, (nuint)(1 << 30));
            new Span<byte>(storage + done, chunk).Clear();
            done += (nuint)chunk;
        }

        var control = (HeapControl<TLock>*)storage;
        control->Check = HeapMetadata.ControlMagic;
        control->CpuCount = cpuCount;
        control->MetadataPages = metadataPages;

        var info = (ClassInfo*)(storage + HeapMetadata.InfoOffset<TLock>());
        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            uint size = (uint)HeapLayout.ClassSize(c);
            uint capacity = (uint)((HeapLayout.SlabBytes - sizeof(SlabHeader)) / (int)size);
            uint offset;
            while (true)
            {
                uint words = (capacity + 63) / 64;
                offset = (uint)HeapMetadata.RoundUp((nuint)(sizeof(SlabHeader) + (words * 8)), HeapLayout.BlockAlignment);
                if (offset + (capacity * size) <= HeapLayout.SlabBytes)
                {
                    info[c].BitmapWords = words;
                    break;
                }

                capacity--;
            }

            info[c].Size = size;
            info[c].Capacity = capacity;
            info[c].DataOffset = offset;
            info[c].Reciprocal = (uint)(((1UL << 32) + size - 1) / size);
            int limit = Math.Min(HeapLayout.MagazineSlots, Math.Max(8, (2 * HeapLayout.SlabBytes) / (int)size)); // 32 up to 1 KiB, 16 for 2 KiB
            info[c].CacheLimit = limit;
            info[c].Batch = limit / 2;
        }

        _pages = pages;
        _cpu = cpu;
        _info = info;
        _pools = storage + HeapMetadata.PoolOffset<TLock>();
        _cpus = storage + HeapMetadata.CpuOffset<TLock>();
        _control = control;
    }

    // ---- small blocks -----------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly Magazine* MagazineOf(uint cpu, int sizeClass) =>
        (Magazine*)(_cpus + (cpu * HeapMetadata.CpuStride) + ((nuint)sizeClass * HeapMetadata.MagazineBytes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void** Slots(Magazine* magazine) => (void**)(magazine + 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ClassPool<TLock>* PoolOf(int sizeClass) =>
        (ClassPool<TLock>*)(_pools + ((nuint)sizeClass * HeapMetadata.PoolStride<TLock>()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SlabHeader* HeaderOf(void* block) => (SlabHeader*)((nuint)block & ~SlabMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint IndexOf(void* block, SlabHeader* slab, ClassInfo* info) =>
        (uint)(((ulong)((nuint)block - (nuint)slab - info->DataOffset) * info->Reciprocal) >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref ulong LiveWord(SlabHeader* slab, uint index) => ref ((ulong*)(slab + 1))[index >> 6];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LiveBit(uint index) => 1UL << (int)(index & 63);

    /// <summary>Sets the object's live bit; false if it was already set.</summary>
    private static bool MarkLive(void* block, ClassInfo* info)
    {
        SlabHeader* slab = HeaderOf(block);
        uint index = IndexOf(block, slab, info);
        ref ulong word = ref LiveWord(slab, index);
        ulong bit = LiveBit(index);
        while (true)
        {
            ulong old = Volatile.Read(ref word);
            if ((old & bit) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref word, old | bit, old) == old)
            {
                return true;
            }
        }
    }

    /// <summary>Clears the object's live bit; false if it was already clear (a double free).
    /// Of two racing frees of one block exactly one succeeds.</summary>
    private static bool ClearLive(SlabHeader* slab, uint index)
    {
        ref ulong word = ref LiveWord(slab, index);
        ulong bit = LiveBit(index);
        while (true)
        {
            ulong old = Volatile.Read(ref word);
            if ((old & bit) == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref word, old & ~bit, old) == old)
            {
                return true;
            }
        }
    }

    /// <summary>Finds the header of the block <paramref name="block"/> claims to be and checks
    /// that the pointer is the start of one of its blocks.</summary>
    private readonly HeapFreeStatus Locate(void* block, out SlabHeader* header, out uint index)
    {
        index = 0;
        header = HeaderOf(block);
        if (_control == null || header->Check != (HeapMetadata.BlockMagic ^ (nuint)header) || header->Owner != _control)
        {
            return HeapFreeStatus.Foreign;
        }

        nuint offset = (nuint)block - (nuint)header;
        if (header->Kind == HeapMetadata.KindLarge)
        {
            return offset == HeapLayout.LargeHeaderBytes ? HeapFreeStatus.Ok : HeapFreeStatus.NotBlockStart;
        }

        if (header->Kind != HeapMetadata.KindSlab || header->SizeClass >= HeapLayout.ClassCount)
        {
            return HeapFreeStatus.Foreign;
        }

        ClassInfo* info = _info + header->SizeClass;
        if (offset < info->DataOffset)
        {
            return HeapFreeStatus.NotBlockStart;
        }

        index = IndexOf(block, header, info);
        if (index >= info->Capacity || (nuint)index * info->Size != offset - info->DataOffset)
        {
            return HeapFreeStatus.NotBlockStart;
        }

        return HeapFreeStatus.Ok;
    }

    /// <summary>Fills an empty magazine with a batch from the pool; returns how many it got.</summary>
    private int Refill(Magazine* magazine, int sizeClass, ClassInfo* info)
    {
        ClassPool<TLock>* pool = PoolOf(sizeClass);
        pool->Lock.Enter();
        int got = TakeFromPool(pool, sizeClass, info, Slots(magazine) + magazine->Count, info->Batch);
        pool->Lock.Exit();
        magazine->Count += got;
        return got;
    }

    /// <summary>Moves the oldest batch of a full magazine back to the pool.</summary>
    private void Flush(Magazine* magazine, int sizeClass, ClassInfo* info)
    {
        void** slots = Slots(magazine);
        int count = Math.Min(info->Batch, magazine->Count);
        ClassPool<TLock>* pool = PoolOf(sizeClass);
        pool->Lock.Enter();
        ReturnToPool(pool, info, slots, count);
        pool->Lock.Exit();
        int rest = magazine->Count - count;
        for (int i = 0; i < rest; i++)
        {
            slots[i] = slots[i + count];
        }

        magazine->Count = rest;
    }

    private void* AllocateDirect(int sizeClass, ClassInfo* info)
    {
        void* block = null;
        ClassPool<TLock>* pool = PoolOf(sizeClass);
        pool->Lock.Enter();
        if (TakeFromPool(pool, sizeClass, info, &block, 1) == 1)
        {
            pool->DirectInUse++;
        }

        pool->Lock.Exit();
        return block;
    }

    private void FreeDirect(int sizeClass, ClassInfo* info, void* block)
    {
        ClassPool<TLock>* pool = PoolOf(sizeClass);
        pool->Lock.Enter();
        ReturnToPool(pool, info, &block, 1);
        pool->DirectInUse--;
        pool->Lock.Exit();
    }

    /// <summary>Takes up to <paramref name="want"/> free objects, carving new slabs as needed.
    /// Caller holds the class lock.</summary>
    private int TakeFromPool(ClassPool<TLock>* pool, int sizeClass, ClassInfo* info, void** destination, int want)
    {
        int got = 0;
        while (got < want)
        {
            SlabHeader* slab = pool->Head;
            if (slab == null)
            {
                slab = NewSlab(sizeClass, info);
                if (slab == null)
                {
                    break;
                }

                LinkHead(pool, slab);
                pool->Slabs++;
                pool->FreeInSlabs += info->Capacity;
            }

            while (got < want && slab->FreeCount > 0)
            {
                void* block;
                if (slab->FreeList != null)
                {
                    block = slab->FreeList;
                    slab->FreeList = *(void**)block;
                }
                else if (slab->Bump < info->Capacity)
                {
                    block = (byte*)slab + info->DataOffset + (slab->Bump * info->Size);
                    slab->Bump++;
                }
                else
                {
                    // FreeCount says there is more but there is nothing left: believe the list.
                    Anomaly();
                    pool->FreeInSlabs -= slab->FreeCount;
                    slab->FreeCount = 0;
                    break;
                }

                slab->FreeCount--;
                destination[got++] = block;
                pool->FreeInSlabs--;
            }

            if (slab->FreeCount == 0)
            {
                Unlink(pool, slab);
            }
        }

        return got;
    }

    /// <summary>Pushes objects back on their slabs' free lists. Caller holds the class lock.
    /// A slab that was full rejoins the list at the head; one that becomes wholly free moves
    /// to the tail, so refills drain partly used slabs first and empty ones can be trimmed.</summary>
    private static void ReturnToPool(ClassPool<TLock>* pool, ClassInfo* info, void** blocks, int count)
    {
        for (int i = 0; i < count; i++)
        {
            void* block = blocks[i];
            SlabHeader* slab = HeaderOf(block);
            *(void**)block = slab->FreeList;
            slab->FreeList = block;
            slab->FreeCount++;
            if (slab->FreeCount == info->Capacity)
            {
                if (slab->FreeCount > 1)
                {
                    Unlink(pool, slab);
                }

                LinkTail(pool, slab);
            }
            else if (slab->FreeCount == 1)
            {
                LinkHead(pool, slab);
            }
        }

        pool->FreeInSlabs += count;
    }

    private SlabHeader* NewSlab(int sizeClass, ClassInfo* info)
    {
        HeapControl<TLock>* control = _control;
        control->PageLock.Enter();
        bool ok = TryTakePages(HeapLayout.SlabPages, out nuint address);
        if (ok)
        {
            control->SlabPages += HeapLayout.SlabPages;
        }

        control->PageLock.Exit();
        if (!ok)
        {
            return null;
        }

        var slab = (SlabHeader*)address;
        *slab = default;
        new Span<ulong>(slab + 1, (int)info->BitmapWords).Clear();
        slab->Owner = control;
        slab->Kind = HeapMetadata.KindSlab;
        slab->SizeClass = (ushort)sizeClass;
        slab->FreeCount = info->Capacity;
        slab->Check = HeapMetadata.BlockMagic ^ address;
        return slab;
    }

    private static void LinkHead(ClassPool<TLock>* pool, SlabHeader* slab)
    {
        slab->Prev = null;
        slab->Next = pool->Head;
        if (pool->Head != null)
        {
            pool->Head->Prev = slab;
        }
        else
        {
            pool->Tail = slab;
        }

        pool->Head = slab;
    }

    private static void LinkTail(ClassPool<TLock>* pool, SlabHeader* slab)
    {
        slab->Next = null;
        slab->Prev = pool->Tail;
        if (pool->Tail != null)
        {
            pool->Tail->Next = slab;
        }
        else
        {
            pool->Head = slab;
        }

        pool->Tail = slab;
    }

    private static void Unlink(ClassPool<TLock>* pool, SlabHeader* slab)
    {
        if (slab->Prev != null)
        {
            slab->Prev->Next = slab->Next;
        }
        else
        {
            pool->Head = slab->Next;
        }

        if (slab->Next != null)
        {
            slab->Next->Prev = slab->Prev;
        }
        else
        {
            pool->Tail = slab->Prev;
        }

        slab->Prev = null;
        slab->Next = null;
    }

    // ---- large blocks and pages ---------------------------------------------------------------

    /// <summary>Largest request served (1 TiB); anything above fails like out-of-memory.</summary>
    private const ulong MaxLargeBytes = 1UL << 40;

    private static nuint LargeUsable(nuint pages) => (pages * HeapLayout.PageSize) - HeapLayout.LargeHeaderBytes;

    private void* AllocateLarge(nuint size)
    {
        HeapControl<TLock>* control = _control;
        if (control == null || (ulong)size > MaxLargeBytes)
        {
            return null;
        }

        int pages = (int)(((ulong)size + HeapLayout.LargeHeaderBytes + HeapLayout.PageSize - 1) / HeapLayout.PageSize);
        nuint usable = LargeUsable((nuint)pages);
        control->PageLock.Enter();
        bool ok = TryTakePages(pages, out nuint address);
        if (ok)
        {
            control->LargePages += pages;
            control->LargeObjects++;
            control->LargeBytes += (long)usable;
        }

        control->PageLock.Exit();
        if (!ok)
        {
            return null;
        }

        var header = (SlabHeader*)address;
        *header = default;
        header->Owner = control;
        header->Kind = HeapMetadata.KindLarge;
        header->LargePages = (nuint)pages;
        header->Check = HeapMetadata.BlockMagic ^ address;
        byte* block = (byte*)address + HeapLayout.LargeHeaderBytes;
        for (nuint done = 0; done < usable;)
        {
            int chunk = (int)Math.Min(usable - done, (nuint)(1 << 30));
            new Span<byte>(block + done, chunk).Clear();
            done += (nuint)chunk;
        }

        Volatile.Write(ref header->LargeState, HeapMetadata.LargeLive);
        return block;
    }

    private HeapFreeStatus FreeLarge(SlabHeader* header)
    {
        if (Interlocked.CompareExchange(ref header->LargeState, HeapMetadata.LargeFreed, HeapMetadata.LargeLive) != HeapMetadata.LargeLive)
        {
            return HeapFreeStatus.DoubleFree;
        }

        nuint pages = header->LargePages;
        HeapControl<TLock>* control = _control;
        control->PageLock.Enter();
        control->LargePages -= (long)pages;
        control->LargeObjects--;
        control->LargeBytes -= (long)LargeUsable(pages);
        _pages.FreePages((nuint)header, (int)pages);
        control->PageLock.Exit();
        return HeapFreeStatus.Ok;
    }

    /// <summary>Gives a slab's pages back. Caller holds the class lock.</summary>
    private void ReleaseSlab(SlabHeader* slab)
    {
        HeapControl<TLock>* control = _control;
        control->PageLock.Enter();
        control->SlabPages -= HeapLayout.SlabPages;
        _pages.FreePages((nuint)slab, HeapLayout.SlabPages);
        control->PageLock.Exit();
    }

    /// <summary>Asks the page source for pages and insists on the 16 KiB alignment the header
    /// lookup needs. Caller holds the page lock.</summary>
    private bool TryTakePages(int count, out nuint address)
    {
        if (!_pages.TryAllocatePages(count, out address))
        {
            address = 0;
            return false;
        }

        if (address == 0 || (address & SlabMask) != 0)
        {
            if (address != 0)
            {
                _pages.FreePages(address, count);
                Anomaly();
            }

            address = 0;
            return false;
        }

        return true;
    }

    private readonly void Anomaly() => Interlocked.Increment(ref _control->Anomalies);
}
