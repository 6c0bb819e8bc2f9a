/* main-loop.h (fake) - the BQL; the test checks when it is held. */
#ifndef GLUE_FAKE_MAIN_LOOP_H
#define GLUE_FAKE_MAIN_LOOP_H
void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);
#endif
