/* nodlclose.c - TEST ONLY: an LD_PRELOAD shim that turns dlclose() into a
 * no-op.
 *
 * libpam dlclose()s every module in pam_end(). LeakSanitizer reports leaks
 * when the process exits, and valgrind reads the symbol tables then too; by
 * that time an unloaded module's frames have no name ("<unknown module>",
 * "???"). pam_genauth.so itself is linked with -z nodelete, but the test
 * modules and libpam's own modules are not, and a leak report must name the
 * function that allocated whatever module it lives in.
 *
 * Keeping a module mapped changes nothing else a test can see: libpam never
 * loads the same module twice into one handle, and every pam_driver run is a
 * fresh process.
 *
 * Build: cc -shared -fPIC -o nodlclose.so nodlclose.c
 * With ASan, put it in LD_PRELOAD after the sanitizer runtime (the runtime
 * must come first in the library list). */

int dlclose(void *handle);

int dlclose(void *handle)
{
    (void)handle;
    return 0;
}
