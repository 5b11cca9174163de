/* emu_control.c - see emu_control.h. */
#include "config.h"

#include "emu_control.h"

#include <stdio.h>

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

int emu_control(CURL *c, const char *url, const char *ca_file, const char *call,
                const char *json)
{
    char where[512];
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    long status = 0;
    CURLcode rc = CURLE_OUT_OF_MEMORY;

    snprintf(where, sizeof where, "%s/__emulator/%s", url, call);
    if (h) {
        curl_easy_setopt(c, CURLOPT_URL, where);
        curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
        rc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(h);
    }
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "emulator control %s: %s, HTTP %ld\n", call, curl_easy_strerror(rc),
                status);
        return -1;
    }
    return 0;
}
