using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Threading;
using Internal.Runtime;

namespace Microkernel.Runtime;

/// <summary>Interface method calls.</summary>
/// <remarks>
/// The compiler calls an interface method through a dispatch cell:
/// <c>lea r11, [cell]; call [r11]</c>. A cell is two words, {stub, cache}. The stub is
/// always our <c>RhpInitialDynamicInterfaceDispatch</c> (runtime.asm). The cache word
/// starts as the compiler wrote it (the interface type, tagged in its low bits); the
/// first call resolves the target by walking the dispatch maps, then publishes a
/// <see cref="CacheEntry"/> {type, target} into the cache word with one atomic store.
/// Later calls from an object of the same type take the stub's fast path: compare
/// the MethodTable, jump. A call with another type resolves again through a global
/// hash table (so a polymorphic site costs a table probe, never a map walk twice for
/// the same pair) and repoints the cell at the newest entry.
/// </remarks>
internal static unsafe class InterfaceDispatch
{
    /// <summary>What a resolved cell points at. Never freed: cells live as long as the image.</summary>
    internal struct CacheEntry
    {
        internal MethodTable* Type;      // must stay first: the stub compares [rdi] with it
        internal nint Target;            // must stay second: the stub jumps through it
        internal MethodTable* Interface;
        internal nint Slot;
        internal CacheEntry* NextInBucket;
    }

    private struct Cell
    {
        internal nint Stub;
        internal nint Cache;
    }

    private const int BucketCount = 1024;
    private static nint s_buckets; // CacheEntry*[BucketCount], created on first use

    /// <summary>Called by the stub on a cache miss: returns the code to jump to.</summary>
    [RuntimeExport("mk_rt_resolve_interface_call")]
    private static nint ResolveAndCache(object thisObject, nint cellAddress)
    {
        if (thisObject == null)
        {
            ThrowHelpers.ThrowNullReferenceException();
        }

        var cell = (Cell*)cellAddress;
        GetInterfaceAndSlot(cell, out MethodTable* interfaceType, out int slot);
        CacheEntry* entry = Lookup(thisObject.m_pMethodTable, interfaceType, slot);
        // One aligned 8-byte store: a concurrent caller sees the old or the new entry.
        Volatile.Write(ref cell->Cache, (nint)entry);
        return entry->Target;
    }

    /// <summary>Resolves a cell without caching (delegate construction over an interface method).</summary>
    internal static nint ResolveCell(object thisObject, nint cellAddress)
    {
        var cell = (Cell*)cellAddress;
        GetInterfaceAndSlot(cell, out MethodTable* interfaceType, out int slot);
        return Lookup(thisObject.m_pMethodTable, interfaceType, slot)->Target;
    }

    private static void GetInterfaceAndSlot(Cell* cell, out MethodTable* interfaceType, out int slot)
    {
        nint cache = Volatile.Read(ref cell->Cache);
        if ((cache & 3) == 0)
        {
            // Already resolved once: the entry remembers the interface and slot.
            var entry = (CacheEntry*)cache;
            interfaceType = entry->Interface;
            slot = (int)entry->Slot;
            return;
        }
        interfaceType = DecodeInterface(cell, cache);
        // Cells of one call target are laid out in a run that ends with {0, slot}.
        Cell* terminator = cell;
        while (terminator->Stub != 0)
        {
            terminator++;
        }

        slot = (int)terminator->Cache;
    }

    private static MethodTable* DecodeInterface(Cell* cell, nint cache)
    {
        // Flag 1: the low 32 bits hold a relative pointer (from the cache word) to the
        // interface MethodTable. Flag 3 without relative data would be an indirection
        // cell; ILCompiler 10 emits the relative form for static images.
        int relative = (int)(cache & ~(nint)3);
        return (MethodTable*)((byte*)&cell->Cache + relative);
    }

    private static CacheEntry* Lookup(MethodTable* type, MethodTable* interfaceType, int slot)
    {
        nint* buckets = Buckets();
        uint hash = (uint)(((nuint)type >> 4) ^ ((nuint)interfaceType >> 3) ^ (nuint)(uint)slot * 0x9E3779B1u) & (BucketCount - 1);
        for (var e = (CacheEntry*)Volatile.Read(ref buckets[hash]); e != null; e = e->NextInBucket)
        {
            if (e->Type == type && e->Interface == interfaceType && e->Slot == slot)
            {
                return e;
            }
        }

        nint target = FindImplementation(type, interfaceType, slot);
        if (target == 0)
        {
            RuntimeHooks.FailFast("interface method has no implementation on this type", 0);
        }

        var created = (CacheEntry*)RuntimeHooks.Allocate((nuint)sizeof(CacheEntry));
        if (created == null)
        {
            ThrowHelpers.ThrowOutOfMemoryException();
        }

        created->Type = type;
        created->Target = target;
        created->Interface = interfaceType;
        created->Slot = slot;
        // Push onto the bucket with a CAS; a duplicate from a race is harmless.
        nint* head = &buckets[hash];
        while (true)
        {
            nint old = Volatile.Read(ref *head);
            created->NextInBucket = (CacheEntry*)old;
            if (Interlocked.CompareExchange(ref *head, (nint)created, old) == old)
            {
                break;
            }
        }
        return created;
    }

    private static nint* Buckets()
    {
        nint buckets = Volatile.Read(ref s_buckets);
        if (buckets != 0)
        {
            return (nint*)buckets;
        }

        nint created = (nint)RuntimeHooks.Allocate((nuint)(BucketCount * sizeof(nint)));
        if (created == 0)
        {
            ThrowHelpers.ThrowOutOfMemoryException();
        }
        // First CPU to publish wins; a loser's table is simply never used.
        nint winner = Interlocked.CompareExchange(ref s_buckets, created, 0);
        return (nint*)(winner == 0 ? created : winner);
    }

    /// <summary>Walks the type and its bases for the dispatch map entry of the interface method.</summary>
    internal static nint FindImplementation(MethodTable* type, MethodTable* interfaceType, int slot)
    {
        for (MethodTable* current = type; current != null; current = current->BaseType)
        {
            DispatchMap* map = current->DispatchMap;
            if (map == null)
            {
                continue;
            }

            MethodTable** interfaces = current->InterfaceMap;
            int entryCount = map->StandardEntryCount + map->DefaultEntryCount;
            DispatchMap.Entry* entries = map->Entries;
            for (int i = 0; i < entryCount; i++)
            {
                if (entries[i].InterfaceMethodSlot != slot)
                {
                    continue;
                }

                if (interfaces[entries[i].InterfaceIndex] != interfaceType)
                {
                    continue;
                }

                int implementation = entries[i].ImplementationSlot;
                // Virtual slots are read from the object's own type, so overrides in
                // derived types win; slots past the vtable are sealed and per type.
                if (implementation < type->NumVtableSlots)
                {
                    return type->Vtable[implementation];
                }

                return current->GetSealedVirtualSlot(implementation - current->NumVtableSlots);
            }
        }
        return 0;
    }
}
