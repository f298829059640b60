using System;
using Xunit;

namespace Microkernel.Memory.Heap.Tests;

public class SizeClassTests
{
    [Fact]
    public void Classes_are_the_documented_sizes()
    {
        int[] expected = { 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048 };
        Assert.Equal(HeapLayout.ClassCount, expected.Length);
        for (int c = 0; c < expected.Length; c++)
        {
            Assert.Equal(expected[c], HeapLayout.ClassSize(c));
        }

        Assert.Equal(0, HeapLayout.ClassSize(-1));
        Assert.Equal(0, HeapLayout.ClassSize(HeapLayout.ClassCount));
    }

    [Fact]
    public void Every_small_size_maps_to_the_smallest_class_that_holds_it()
    {
        for (int size = 1; size <= HeapLayout.MaxSmallSize; size++)
        {
            int c = HeapLayout.ClassOf((nuint)size);
            Assert.InRange(c, 0, HeapLayout.ClassCount - 1);
            Assert.True(HeapLayout.ClassSize(c) >= size, $"size {size} -> class {c}");
            Assert.True(c == 0 || HeapLayout.ClassSize(c - 1) < size, $"size {size} -> class {c} not the smallest");
        }

        Assert.Equal(-1, HeapLayout.ClassOf(0));
        Assert.Equal(-1, HeapLayout.ClassOf(HeapLayout.MaxSmallSize + 1));
        Assert.Equal(-1, HeapLayout.ClassOf(nuint.MaxValue));
    }

    [Fact]
    public void Slab_layout_fits_and_wastes_little()
    {
        using var t = new TestHeap();
        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            int size = HeapLayout.ClassSize(c);
            int objects = heap.ObjectsPerSlab(c);
            int bitmap = ((objects + 63) / 64) * 8;
            Assert.True(64 + bitmap + (objects * size) <= HeapLayout.SlabBytes);
            // At most one object's worth (plus header and bitmap) is left over.
            Assert.True(HeapLayout.SlabBytes - (objects * size) < size + 64 + bitmap + 16, $"class {size}: {objects} objects");
            Assert.True(objects >= 7);
        }
    }
}
