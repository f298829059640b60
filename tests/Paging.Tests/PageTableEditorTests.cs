using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Memory.Paging;
using Xunit;

namespace Microkernel.Tests;

public sealed class PageTableEditorTests
{
    private const ulong Page = 4096;
    private const ulong Large = 2 * 1024 * 1024;

    private static PageTableEditor<FakeTableMemory> NewEditor(TablePool pool)
    {
        Assert.True(pool.TryAllocate(out ulong root));
        return new PageTableEditor<FakeTableMemory>(new FakeTableMemory(pool), root);
    }

    [Fact]
    public void Map_then_translate_gives_the_frame_and_offset()
    {
        using var pool = new TablePool();
        PageTableEditor<FakeTableMemory> editor = NewEditor(pool);
        Assert.Equal(MapStatus.Ok, editor.Map(0x4000_0000, 0x7000, PageFlags.Writable | PageFlags.NoExecute));
        Assert.True(editor.TryTranslate(0x4000_0123, out ulong physical));
        Assert.Equal(0x7123UL, physical);
        Assert.False(editor.TryTranslate(0x4000_1000, out _));
        Assert.Equal(4, pool.Live); // PML4 + PDPT + PD + PT
    }

    [Fact]
    public void Writable_and_executable_is_refused_by_map_and_protect()
    {
        using var pool = new TablePool();
        PageTableEditor<FakeTableMemory> editor = NewEditor(pool);
        Assert.Equal(MapStatus.WritableAndExecutable, editor.Map(0x1000, 0x1000, PageFlags.Writable));
        Assert.Equal(MapStatus.Ok, editor.Map(0x1000, 0x1000, PageFlags.None));
        Assert.Equal(MapStatus.WritableAndExecutable, editor.Protect(0x1000, PageFlags.Writable));
        Assert.Equal(0, editor.CountWritableExecutableLeaves());
    }

    [Fact]
    public void Misaligned_noncanonical_and_double_maps_are_refused()
    {
        using var pool = new TablePool();
        PageTableEditor<FakeTableMemory> editor = NewEditor(pool);
        Assert.Equal(MapStatus.Misaligned, editor.Map(0x1001, 0x1000, PageFlags.NoExecute));
        Assert.Equal(MapStatus.Misaligned, editor.Map(0x200000, 0x1000, PageFlags.NoExecute, Large));
        Assert.Equal(MapStatus.NonCanonical, editor.Map(0x0000_8000_0000_0000, 0x1000, PageFlags.NoExecute));
        Assert.Equal(MapStatus.Ok, editor.Map(0x2000, 0x1000, PageFlags.NoExecute));
        Assert.Equal(MapStatus.AlreadyMapped, editor.Map(0x2000, 0x5000, PageFlags.NoExecute));
        Assert.Equal(MapStatus.NotMapped, editor.Unmap(0x3000, out _));
    }

    [Fact]
    public void Split_large_page_keeps_every_translation_and_permission()
    {
        using var pool = new TablePool();
        PageTableEditor<FakeTableMemory> editor = NewEditor(pool);
        Assert.Equal(MapStatus.Ok, editor.Map(0x4000_0000, 0x8000_0000, PageFlags.Writable | PageFlags.NoExecute, Large));
        Assert.Equal(MapStatus.HugePageInTheWay, editor.Unmap(0x4000_1000, out _));
        Assert.Equal(MapStatus.Ok, editor.SplitLargePage(0x4000_1000));
        for (ulong offset = 0; offset < Large; offset += Page)
        {
            ulong entry = editor.Query(0x4000_0000 + offset, out ulong size);
            Assert.Equal(Page, size);
            Assert.Equal(0x8000_0000 + offset, entry & PageEntry.AddressMask);
            Assert.Equal((ulong)(PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute), entry & PageEntry.FlagMask);
        }
        Assert.Equal(MapStatus.Ok, editor.Unmap(0x4000_1000, out ulong frame));
        Assert.Equal(0x8000_1000UL, frame);
    }

    [Fact]
    public void Running_out_of_table_frames_is_reported_and_maps_nothing()
    {
        using var pool = new TablePool();
        PageTableEditor<FakeTableMemory> editor = NewEditor(pool);
        pool.Budget = 2; // root + one more: not enough for a new PD and PT
        Assert.Equal(MapStatus.OutOfMemory, editor.Map(0x7000_0000_0000, 0x1000, PageFlags.NoExecute));
        Assert.False(editor.TryTranslate(0x7000_0000_0000, out _));
    }

    /// <summary>One step of a random program against the editor.</summary>
    public sealed record Step(int Kind, int PageIndex, int Frame, int Permission);

    // 64 pages spread over several tables: indices map to addresses that share and
    // don't share PTs, PDs and PDPTs, in both halves of the address space.
    private static ulong AddressOf(int pageIndex)
    {
        ulong[] bases = { 0x0000_0000_0040_0000, 0x0000_0000_4000_0000, 0x0000_7F00_0000_0000, 0xFFFF_8000_0000_0000 };
        return bases[pageIndex % 4] + (ulong)(pageIndex / 4) * Page * 37;
    }

    private static readonly PageFlags[] s_permissions =
    {
        PageFlags.None, PageFlags.NoExecute, PageFlags.Writable | PageFlags.NoExecute,
        PageFlags.User | PageFlags.NoExecute, PageFlags.User | PageFlags.Writable | PageFlags.NoExecute,
        PageFlags.Writable, // W+X: must always be refused
    };

    [Fact]
    public void Random_programs_match_a_dictionary_model_and_free_every_table()
    {
        Gen<Step> step =
            from kind in Gen.Choose(0, 3)
            from page in Gen.Choose(0, 63)
            from frame in Gen.Choose(1, 1000)
            from permission in Gen.Choose(0, s_permissions.Length - 1)
            select new Step(kind, page, frame, permission);

        PropertyCheck.ForAll(step.ListOf().Select(l => l.ToArray()), steps =>
        {
            using var pool = new TablePool();
            PageTableEditor<FakeTableMemory> editor = NewEditor(pool);
            var model = new Dictionary<ulong, (ulong Frame, PageFlags Flags)>();
            foreach (Step s in steps)
            {
                ulong va = AddressOf(s.PageIndex);
                PageFlags flags = s_permissions[s.Permission];
                bool wx = (flags & PageFlags.Writable) != 0 && (flags & PageFlags.NoExecute) == 0;
                switch (s.Kind)
                {
                    case 0:
                        {
                            MapStatus status = editor.Map(va, (ulong)s.Frame * Page, flags);
                            MapStatus expected = wx ? MapStatus.WritableAndExecutable
                                : model.ContainsKey(va) ? MapStatus.AlreadyMapped : MapStatus.Ok;
                            Assert.Equal(expected, status);
                            if (status == MapStatus.Ok)
                            {
                                model[va] = ((ulong)s.Frame * Page, flags);
                            }

                            break;
                        }
                    case 1:
                        {
                            MapStatus status = editor.Unmap(va, out ulong frame);
                            if (model.Remove(va, out (ulong Frame, PageFlags Flags) old))
                            {
                                Assert.Equal(MapStatus.Ok, status);
                                Assert.Equal(old.Frame, frame);
                            }
                            else
                            {
                                Assert.Equal(MapStatus.NotMapped, status);
                            }

                            break;
                        }
                    case 2:
                        {
                            MapStatus status = editor.Protect(va, flags);
                            MapStatus expected = !model.ContainsKey(va) ? MapStatus.NotMapped
                                : wx ? MapStatus.WritableAndExecutable : MapStatus.Ok;
                            Assert.Equal(expected, status);
                            if (status == MapStatus.Ok)
                            {
                                model[va] = (model[va].Frame, flags);
                            }

                            break;
                        }
                    default:
                        {
                            bool mapped = editor.TryTranslate(va + 5, out ulong physical);
                            Assert.Equal(model.ContainsKey(va), mapped);
                            if (mapped)
                            {
                                Assert.Equal(model[va].Frame + 5, physical);
                            }

                            break;
                        }
                }
            }
            // Every page agrees with the model, permission bits included.
            for (int i = 0; i < 64; i++)
            {
                ulong va = AddressOf(i);
                ulong entry = editor.Query(va, out _);
                if (model.TryGetValue(va, out (ulong Frame, PageFlags Flags) m))
                {
                    Assert.Equal((ulong)(m.Flags | PageFlags.Present), entry & PageEntry.FlagMask & ~(ulong)(PageFlags.Accessed | PageFlags.Dirty));
                }
                else
                {
                    Assert.Equal(0UL, entry);
                }
            }
            Assert.Equal(0, editor.CountWritableExecutableLeaves());
            // Unmapping everything frees every table but the root.
            foreach (ulong va in model.Keys.ToList())
            {
                Assert.Equal(MapStatus.Ok, editor.Unmap(va, out _));
            }

            Assert.Equal(1, pool.Live);
        });
    }
}
