/* safetensors dtype names: the one table the writer, verify and pack read. */
#include "shard_sample.h"

#include <string.h>

static const struct {
    const char *name;
    unsigned size;
    int code; /* enum VsDType, or a VS_SHARD_DT_* the writer uses for its scalars; -1 none */
} DTYPES[] = {
    {"U8", 1, VS_DTYPE_U8},   {"F16", 2, VS_DTYPE_F16},    {"BF16", 2, VS_DTYPE_BF16}, {"F32", 4, VS_DTYPE_F32},
    {"F64", 8, VS_SHARD_DT_F64}, {"I32", 4, VS_SHARD_DT_I32}, {"BOOL", 1, -1},           {"I8", 1, -1},
    {"F8_E5M2", 1, -1},       {"F8_E4M3", 1, -1},          {"I16", 2, -1},             {"U16", 2, -1},
    {"U32", 4, -1},           {"I64", 8, -1},              {"U64", 8, -1},
};
enum { NDTYPES = sizeof(DTYPES) / sizeof(DTYPES[0]) };

unsigned vs_safetensors_dtype_size(const char *name)
{
    for (size_t i = 0; name && i < NDTYPES; i++)
        if (!strcmp(DTYPES[i].name, name))
            return DTYPES[i].size;
    return 0;
}

int vs_safetensors_dtype(const char *name)
{
    for (size_t i = 0; name && i < NDTYPES; i++)
        if (!strcmp(DTYPES[i].name, name))
            return DTYPES[i].code >= 0 && DTYPES[i].code < VS_SHARD_DT_F64 ? DTYPES[i].code : -1;
    return -1;
}

const char *vs_shard_dtype_name(int code)
{
    for (size_t i = 0; code >= 0 && i < NDTYPES; i++)
        if (DTYPES[i].code == code)
            return DTYPES[i].name;
    return NULL;
}

unsigned vs_shard_dtype_size(int code)
{
    const char *name = vs_shard_dtype_name(code);
    return name ? vs_safetensors_dtype_size(name) : 0;
}
