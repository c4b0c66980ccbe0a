import streamlit as st

st.title('learn')
st.write('Placeholder page; being built.')
