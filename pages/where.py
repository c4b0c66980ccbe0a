import streamlit as st

st.title('where')
st.write('Placeholder page; being built.')
