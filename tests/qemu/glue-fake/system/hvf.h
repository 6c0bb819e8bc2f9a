/* hvf.h (fake) - nothing the glue needs. */
