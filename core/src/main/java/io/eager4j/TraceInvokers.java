package io.eager4j;

import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Direct callers of backend methods for replays, one small class per method, generated with the
 * class-file API. A replay through {@link Method#invoke} cost the JIT most of a core for the first
 * few hundred steps: the one reflective call site sees every op, so C2 compiled it again each time
 * its profile changed (four or five times in a seed run), while the GEMMs waited for that core. A
 * generated caller has one call site and one target, so its profile is its method's alone: it
 * compiles small, apart from the others, and can inline its method.
 */
final class TraceInvokers {
    /**
     * Calls one backend method with its arguments boxed in an array, as {@link Method#invoke} would,
     * and puts the buffer or buffers it returns in {@code regs} at {@code outputs}.
     */
    interface Invoker {
        void call(Backend backend, Object[] args, Buffer[] regs, int[] outputs);
    }

    private static final Map<Method, Invoker> CACHE = new ConcurrentHashMap<>();

    private TraceInvokers() {}

    /** The caller of {@code m}, a method of {@link Backend}: made on first use, then shared. */
    static Invoker of(Method m) {
        return CACHE.computeIfAbsent(m, TraceInvokers::generate);
    }

    private static Invoker generate(Method m) {
        if (!m.getDeclaringClass().isAssignableFrom(Backend.class)) {
            throw new IllegalArgumentException("traced call: " + m + " is not a method of Backend");
        }
        ClassDesc self = ClassDesc.of(TraceInvokers.class.getPackageName() + ".TraceInvoker");
        ClassDesc owner = desc(m.getDeclaringClass());
        MethodTypeDesc target = MethodTypeDesc.of(desc(m.getReturnType()),
                java.util.Arrays.stream(m.getParameterTypes()).map(TraceInvokers::desc).toArray(ClassDesc[]::new));
        byte[] bytes = ClassFile.of().build(self, cls -> cls
                .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC)
                .withInterfaceSymbols(desc(Invoker.class))
                .withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, code -> code
                        .aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void)
                        .return_())
                .withMethodBody("call", MethodTypeDesc.of(ConstantDescs.CD_void, desc(Backend.class),
                        ConstantDescs.CD_Object.arrayType(), desc(Buffer[].class), desc(int[].class)),
                        ClassFile.ACC_PUBLIC, code -> {
                    code.aload(1).checkcast(owner);
                    Class<?>[] params = m.getParameterTypes();
                    for (int i = 0; i < params.length; i++) {
                        code.aload(2).loadConstant(i).aaload();
                        unbox(code, params[i]);
                    }
                    code.invokeinterface(owner, m.getName(), target);
                    store(code, m.getReturnType());
                    code.return_();
                }));
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (Invoker) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("traced call: could not make a caller for " + m + ": " + e, e);
        }
    }

    /** An argument as the method takes it: a cast, or an unboxing from the primitive's box. */
    private static void unbox(CodeBuilder code, Class<?> type) {
        if (!type.isPrimitive()) {
            if (type != Object.class) code.checkcast(desc(type));
            return;
        }
        ClassDesc box = desc(boxOf(type));
        code.checkcast(box).invokevirtual(box, type.getName() + "Value", MethodTypeDesc.of(desc(type)));
    }

    /**
     * The result into its registers: {@code regs[outputs[0]] = r} for a buffer, a loop over
     * {@code outputs} for an array of them. Each caller has its own stores, so the JIT's profile of
     * a store sees one method's results; the one store in a shared loop trapped and recompiled.
     */
    private static void store(CodeBuilder code, Class<?> type) {
        if (type == Buffer.class) {
            code.astore(5).aload(3).aload(4).iconst_0().iaload().aload(5).aastore();
        } else if (type == Buffer[].class) {
            java.lang.classfile.Label test = code.newLabel(), done = code.newLabel();
            code.astore(5).iconst_0().istore(6)
                    .labelBinding(test)
                    .iload(6).aload(4).arraylength().if_icmpge(done)
                    .aload(3).aload(4).iload(6).iaload().aload(5).iload(6).aaload().aastore()
                    .iinc(6, 1).goto_(test)
                    .labelBinding(done);
        } else {
            throw new IllegalArgumentException("traced call: " + type + " is not a buffer or buffers");
        }
    }

    private static ClassDesc desc(Class<?> c) {
        return c.describeConstable().orElseThrow(() -> new IllegalArgumentException("traced call: no descriptor for " + c));
    }

    private static Class<?> boxOf(Class<?> primitive) {
        return MethodType.methodType(primitive).wrap().returnType();
    }
}
