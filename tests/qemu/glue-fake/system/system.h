/* system.h (fake) - nothing the glue needs. */
