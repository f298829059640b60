using System;
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace Microkernel.Runtime;

/// <summary>Prepares the compiled image's data before C# code may use statics.</summary>
/// <remarks>
/// The compiler leaves one ReadyToRun header per module and a pointer to it in the
/// <c>__modules</c> section (the linker script brackets it with __modules_start/end).
/// The header lists sections by id; three need work at start-up:
/// <list type="bullet">
/// <item>GC static region (201): each entry is a 32-bit relative pointer to a block
/// {relptr32 MethodTable | flags, relptr32 preinitialised data}. Code reaches a type's
/// reference-holding statics through an object whose address replaces the block.
/// Flag 1 = not yet created, flag 2 = copy preinitialised data into it.</item>
/// <item>Eager class constructors (205): run in order.</item>
/// <item>Module initializers (213): run last.</item>
/// </list>
/// Invariant: runs once, on the boot CPU, after <see cref="RuntimeHooks.Install"/>
/// (static bases are allocated) and before any code reads a GC static.
/// </remarks>
public static unsafe class ModuleInitializer
{
    private const uint ReadyToRunSignature = 0x00525452; // "RTR"
    private const int GCStaticRegion = 201;
    private const int EagerCctor = 205;
    private const int ModuleInitializerList = 213;
    private const int HasEndPointer = 1;
    private const int Uninitialized = 1;
    private const int HasPreinitializedData = 2;

    private struct Header
    {
        internal uint Signature;
        internal ushort MajorVersion;
        internal ushort MinorVersion;
        internal uint Flags;
        internal ushort SectionCount;
        internal byte EntrySize;
        internal byte EntryType;
    }

    private struct Section
    {
        internal int Id;
        internal int Flags;
        internal byte* Start;
        internal byte* End;
    }

    /// <summary>Number of GC static bases created (for the boot log and tests).</summary>
    public static int StaticBasesCreated;

    /// <summary>Initialises every module listed between the two addresses.</summary>
    /// <returns>False when a header is malformed (the caller should panic: nothing
    /// that uses statics can run).</returns>
    public static bool Initialize(nint modulesStart, nint modulesEnd)
    {
        for (nint* module = (nint*)modulesStart; module < (nint*)modulesEnd; module++)
        {
            if (*module == 0)
            {
                continue; // padding from section merging
            }

            var header = (Header*)*module;
            if (header->Signature != ReadyToRunSignature || header->EntrySize != sizeof(Section))
            {
                return false;
            }

            var sections = (Section*)(header + 1);
            // Statics first, then constructors that may use them.
            RunPass(sections, header->SectionCount, GCStaticRegion);
            RunPass(sections, header->SectionCount, EagerCctor);
            RunPass(sections, header->SectionCount, ModuleInitializerList);
        }
        return true;
    }

    private static void RunPass(Section* sections, int count, int id)
    {
        for (int i = 0; i < count; i++)
        {
            if (sections[i].Id != id || (sections[i].Flags & HasEndPointer) == 0)
            {
                continue;
            }

            byte* start = sections[i].Start;
            byte* end = sections[i].End;
            if (id == GCStaticRegion)
            {
                CreateStaticBases(start, end);
            }
            else
            {
                RunInitializers(start, end);
            }
        }
    }

    private static void CreateStaticBases(byte* start, byte* end)
    {
        for (int* entry = (int*)start; entry < (int*)end; entry++)
        {
            int* block = (int*)((byte*)entry + *entry);
            int typeField = block[0];
            if ((typeField & Uninitialized) == 0)
            {
                continue; // shared block, done already
            }

            var type = (MethodTable*)((byte*)block + (typeField & ~3));
            object staticBase = Allocation.AllocateObject(type);
            if ((typeField & HasPreinitializedData) != 0)
            {
                byte* data = (byte*)&block[1] + block[1];
                nuint size = type->BaseSize - (nuint)(2 * sizeof(nint));
                SpanHelpers.Memmove(ref staticBase.GetRawData(), ref *data, size);
            }
            // The code reads the base through this word from now on.
            *(object*)block = staticBase;
            StaticBasesCreated++;
        }
    }

    private static void RunInitializers(byte* start, byte* end)
    {
        for (nint* initializer = (nint*)start; initializer < (nint*)end; initializer++)
        {
            ((delegate*<void>)*initializer)();
        }
    }
}
