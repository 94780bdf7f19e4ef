// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tables of file descriptors: those that are RTDM sockets (the POSIX
 * wrappers send socket calls on them to RTDM) and those that are RTDM
 * files (sockets and named devices: on EVL, threads attached to the core
 * use out-of-band calls on them).
 *
 * A two-level bitmap: RTDM_FDTAB_CHUNKS chunks of RTDM_FDTAB_CHUNK_BITS bits
 * each. The first chunk (fds 0..4095) is static; the others are allocated
 * when a descriptor that high is first marked and are never freed, so that
 * readers need no lock: a chunk pointer is published once with a
 * compare-and-swap, and bits are flipped with atomic read-modify-writes.
 * The whole table covers 2^20 descriptors, Linux's default fs.nr_open.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include "posix.h"

#define RTDM_FDTAB_CHUNK_BITS	4096
#define RTDM_FDTAB_CHUNKS	256
#define BITS_PER_WORD		(sizeof(unsigned long) * CHAR_BIT)
#define CHUNK_WORDS		(RTDM_FDTAB_CHUNK_BITS / BITS_PER_WORD)

struct fdtab_chunk {
	unsigned long words[CHUNK_WORDS];
};

struct fdtab {
	struct fdtab_chunk first;
	struct fdtab_chunk *chunks[RTDM_FDTAB_CHUNKS];
};

static struct fdtab sockets = { .chunks = { [0] = &sockets.first } };
static struct fdtab files = { .chunks = { [0] = &files.first } };

static struct fdtab_chunk *get_chunk(struct fdtab *t, int fd, int alloc)
{
	struct fdtab_chunk **fdtab = t->chunks;
	struct fdtab_chunk *chunk, *expected = NULL;
	unsigned int idx;

	if (fd < 0)
		return NULL;

	idx = (unsigned int)fd / RTDM_FDTAB_CHUNK_BITS;
	if (idx >= RTDM_FDTAB_CHUNKS)
		return NULL;

	chunk = __atomic_load_n(&fdtab[idx], __ATOMIC_ACQUIRE);
	if (chunk || !alloc)
		return chunk;

	chunk = calloc(1, sizeof(*chunk));
	if (!chunk)
		return NULL;

	if (!__atomic_compare_exchange_n(&fdtab[idx], &expected, chunk, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Somebody else published this chunk first. */
		free(chunk);
		chunk = expected;
	}

	return chunk;
}

static inline unsigned long *fd_word(struct fdtab_chunk *chunk, int fd,
				     unsigned long *mask)
{
	unsigned int bit = (unsigned int)fd % RTDM_FDTAB_CHUNK_BITS;

	*mask = 1UL << (bit % BITS_PER_WORD);
	return &chunk->words[bit / BITS_PER_WORD];
}

static int tab_set(struct fdtab *t, int fd)
{
	struct fdtab_chunk *chunk;
	unsigned long mask, *word;

	chunk = get_chunk(t, fd, 1);
	if (!chunk) {
		errno = (fd < 0) ? EBADF :
			((unsigned int)fd / RTDM_FDTAB_CHUNK_BITS <
			 RTDM_FDTAB_CHUNKS) ? ENOMEM : EMFILE;
		return -1;
	}

	word = fd_word(chunk, fd, &mask);
	__atomic_fetch_or(word, mask, __ATOMIC_RELEASE);

	return 0;
}

static void tab_clear(struct fdtab *t, int fd)
{
	struct fdtab_chunk *chunk;
	unsigned long mask, *word;

	chunk = get_chunk(t, fd, 0);
	if (!chunk)
		return;

	word = fd_word(chunk, fd, &mask);
	__atomic_fetch_and(word, ~mask, __ATOMIC_RELEASE);
}

static int tab_test(struct fdtab *t, int fd)
{
	struct fdtab_chunk *chunk;
	unsigned long mask, *word;

	chunk = get_chunk(t, fd, 0);
	if (!chunk)
		return 0;

	word = fd_word(chunk, fd, &mask);
	return !!(__atomic_load_n(word, __ATOMIC_ACQUIRE) & mask);
}

int rtdm_fdtab_set(int fd)
{
	return tab_set(&sockets, fd);
}

void rtdm_fdtab_clear(int fd)
{
	tab_clear(&sockets, fd);
}

int rtdm_fdtab_test(int fd)
{
	return tab_test(&sockets, fd);
}

int rtdm_fdfile_set(int fd)
{
	return tab_set(&files, fd);
}

void rtdm_fdfile_clear(int fd)
{
	tab_clear(&files, fd);
}

int rtdm_fdfile_test(int fd)
{
	return tab_test(&files, fd);
}
